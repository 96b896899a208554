"""Figure 9: wall time of 500 trivial tests using the ``mock`` fixture
against 500 using pytest-httpserver, each suite run by pytest in its own
subprocess (start-up included, as a CI job pays it).

Each test makes one ``delivery/read`` call with ``requests`` and checks the
answer: the mock's tests against its stateful API, reset before each test;
pytest-httpserver's tests against a canned expectation set up in the test.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .result import NotAvailable, figure
from .servers import REPO_ROOT, _env

TESTS = 500

MOCK_SUITE = f'''
import pytest
import requests

SESSION = requests.Session()


@pytest.mark.parametrize("n", range({TESTS}))
def test_read(mock, n):
    answer = SESSION.post(mock.navixy_url + "/user/session/delivery/read",
                          json={{"hash": "66666666666666666666666666666666"}})
    assert answer.json() == {{"success": True, "value": "0123456789abcdef0123456789abcdef"}}
'''

HTTPSERVER_SUITE = f'''
import pytest
import requests

SESSION = requests.Session()


@pytest.mark.parametrize("n", range({TESTS}))
def test_read(httpserver, n):
    httpserver.expect_request("/v2/user/session/delivery/read", method="POST").respond_with_json(
        {{"success": True, "value": "0123456789abcdef0123456789abcdef"}})
    answer = SESSION.post(httpserver.url_for("/v2/user/session/delivery/read"),
                          json={{"hash": "66666666666666666666666666666666"}})
    assert answer.json() == {{"success": True, "value": "0123456789abcdef0123456789abcdef"}}
'''


def _run_suite(folder: Path, source: str, plugins: list[str]) -> float:
    (folder / "test_suite.py").write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               *[arg for name in plugins for arg in ("-p", name)], str(folder)]
    started = time.perf_counter()
    out = subprocess.run(command, cwd=folder, env=_env(), capture_output=True, text=True, timeout=240)
    elapsed = time.perf_counter() - started
    if out.returncode != 0 or f"{TESTS} passed" not in out.stdout:
        tail = (out.stdout + out.stderr).strip().splitlines()[-3:]
        raise RuntimeError(f"suite failed: {' / '.join(tail)}")
    return elapsed


def _plugin_registered() -> bool:
    from importlib.metadata import entry_points

    return any(e.value.startswith("pytest_plugin") for e in entry_points(group="pytest11"))


def run() -> dict:
    if importlib.util.find_spec("pytest_httpserver") is None:
        raise NotAvailable("pytest-httpserver is not installed (pip install '.[bench]')")
    if importlib.util.find_spec("pytest_plugin.plugin") is None:
        raise NotAvailable("the pytest plugin (pytest_plugin.plugin) does not exist yet")
    # from a source checkout the plugin is not registered: load it by name
    mock_plugins = [] if _plugin_registered() else ["pytest_plugin.plugin"]
    with tempfile.TemporaryDirectory(prefix="bench-mock-") as mock_dir, \
            tempfile.TemporaryDirectory(prefix="bench-httpserver-") as other_dir:
        mock_s = _run_suite(Path(mock_dir), MOCK_SUITE, mock_plugins)
        other_s = _run_suite(Path(other_dir), HTTPSERVER_SUITE, [])
    ratio = mock_s / other_s
    return figure(
        f"pytest: {TESTS} trivial tests with `mock`", round(mock_s, 2), "s",
        baseline="pytest-httpserver", baseline_value=round(other_s, 2), ratio=round(ratio, 2),
        target="report", met=None, per_test_ms=round(mock_s / TESTS * 1000, 2),
        baseline_per_test_ms=round(other_s / TESTS * 1000, 2),
    )
