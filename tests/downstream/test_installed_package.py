"""Install the package into a fresh virtualenv and run a downstream project's
suite with it, as a user would: the plugin loads from its entry point, and the
schemas and scenarios come from inside the wheel."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).resolve().parent / "example_project"


def run(args, cwd, timeout=600):
    # nothing from this checkout may leak in: no PYTHONPATH, another folder
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "VIRTUAL_ENV")}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    created = run([sys.executable, "-m", "venv", str(venv)], cwd=venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    # with the optional extras the example project's tests use (strategies, aiohttp)
    installed = run([str(python), "-m", "pip", "install", "-q", f"{REPO}[strategies,aiohttp]", "pytest"], cwd=venv)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


@pytest.mark.live
def test_the_downstream_suite_passes_against_the_installed_package(venv_python, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    result = run([str(venv_python), "-m", "pytest", "-p", "no:cacheprovider", "-v"], cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "navixy-dellin-mockserver" in output  # loaded through its pytest11 entry point
    # exit code 0: every test passed; and the tests did run
    assert re.search(r"\b11 passed\b", output), output


@pytest.mark.live
def test_the_bundled_scenarios_ship_in_the_wheel_and_run_as_items(venv_python, tmp_path):
    where = run([str(venv_python), "-c", "import mockserver.resources as r; print(r.scenarios_dir())"], cwd=tmp_path)
    scenarios = Path(where.stdout.strip())
    assert where.returncode == 0 and "site-packages" in str(scenarios), where.stdout + where.stderr
    assert (scenarios / "default.yaml").is_file()
    result = run([str(venv_python), "-m", "pytest", "-p", "no:cacheprovider", str(scenarios)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


@pytest.mark.live
def test_the_installed_package_serves_the_inspector_page_behind_an_admin_token(venv_python, tmp_path):
    from ..inspector.page import Page, browser_or_skip

    token = "installed-t0ken"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    server = subprocess.Popen(
        [str(venv_python.parent / "mockserver"), "serve", "--port", "0", "--admin-token", token, "--quiet"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        first = server.stdout.readline()
        listening = re.search(r"listening on (http://\S+)", first)
        assert listening, first + server.stdout.read() if server.poll() is not None else first
        with browser_or_skip() as driver:
            # a link that carries the token in its fragment, which never reaches the server
            page = Page(driver, listening.group(1)).open("#token=" + token)
            page.live()
            page.wait_js("return document.querySelectorAll('#navixy-rows tr[data-hash]').length > 0", "the Navixy users")
            page.wait_js("return document.querySelectorAll('#scenario-rows li').length > 0", "the bundled scenarios")
            assert token not in driver.current_url
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.live
def test_the_installed_package_checks_the_contract_both_ways(venv_python, tmp_path):
    """proxy, record, run --target and verify from the wheel, against its own mock."""
    import signal

    bin_dir = venv_python.parent
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    started = []

    def start(*args):
        process = subprocess.Popen([str(bin_dir / "mockserver"), *args, "--port", "0"], cwd=tmp_path, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        first = process.stdout.readline()
        listening = re.search(r"listening on (http://[^\s,]+)", first)
        assert listening, first + process.stderr.read()
        return process, listening.group(1)

    def mockserver(*args, extra_env=None):
        return run([str(bin_dir / "mockserver"), *map(str, args)], cwd=tmp_path) if not extra_env else \
            subprocess.run([str(bin_dir / "mockserver"), *map(str, args)], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300, env={**env, **extra_env})

    try:
        _, mock = start("serve", "--quiet")
        # verify first: the runs below leave the mock with their scenarios' state
        checked = mockserver("verify", "--target", mock, "--allow-writes", "--junit", "verify.xml",
                             extra_env={"NAVIXY_HASH": "22eac1c27af4be7b9d04da2ce1af111b",
                                        "DELLIN_APPKEY": "00000000-0000-0000-0000-000000000000",
                                        "DELLIN_LOGIN": "info@info.ru", "DELLIN_PASSWORD": "Password1"})
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert " 0 failed" in checked.stdout and (tmp_path / "verify.xml").is_file()
        proxy, proxy_url = start("proxy", "--target", mock, "--record", "recorded.yaml", "--quiet")
        through = mockserver("run", "default", "navixy-demo", "--target", proxy_url, "--strict-schema")
        assert through.returncode == 0, through.stdout + through.stderr
        assert "0 schema drift finding(s)" in through.stdout
        proxy.send_signal(signal.SIGTERM)
        assert proxy.wait(30) == 0
        summary = proxy.stderr.read()
        assert "0 finding(s)" in summary and "recorded" in summary, summary
        replay = mockserver("run", "recorded.yaml")
        assert replay.returncode == 0, replay.stdout + (tmp_path / "recorded.yaml").read_text()
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
                process.wait(10)
