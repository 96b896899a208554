"""The per-test cost of the ``mock`` fixture against ``responses`` and
pytest-httpserver: 500 trivial tests each, every suite run by pytest in its
own subprocess, all in the same run. Beside them, the floor for any Flask app
answered in process: a one-route app behind the same interceptor.

Each test makes one Navixy ``delivery/read`` call with ``requests`` and
checks the answer: the mock's tests against its stateful API, reset before
each test; the others against a canned answer set up in the test. A suite of
500 tests that do nothing is the baseline every suite pays (pytest's start-up
and collection), so a suite's per-test cost is (suite − empty suite) / 500.
The suites run in interleaved rounds, and each keeps its fastest round:
noise only ever slows a run down. Every suite imports from compiled
bytecode, as installed packages do.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .result import NotAvailable, figure
from .servers import _env, compile_sources

TESTS = 500
ROUNDS = 5
MOCK_TARGET = "<= responses and <= 0.8x pytest-httpserver"

READ = "/v2/user/session/delivery/read"
HASH = "66666666666666666666666666666666"
ANSWER = {"success": True, "value": "0123456789abcdef0123456789abcdef"}

EMPTY_SUITE = f'''
import pytest


@pytest.mark.parametrize("n", range({TESTS}))
def test_nothing(n):
    pass
'''

MOCK_SUITE = f'''
import pytest
import requests

SESSION = requests.Session()


@pytest.mark.parametrize("n", range({TESTS}))
def test_read(mock, n):
    answer = SESSION.post(mock.url + "{READ}", json={{"hash": "{HASH}"}})
    assert answer.json() == {ANSWER!r}
'''

RESPONSES_SUITE = f'''
import pytest
import requests
import responses

SESSION = requests.Session()
URL = "https://api.eu.navixy.com{READ}"


@pytest.mark.parametrize("n", range({TESTS}))
@responses.activate
def test_read(n):
    responses.add(responses.POST, URL, json={ANSWER!r})
    answer = SESSION.post(URL, json={{"hash": "{HASH}"}})
    assert answer.json() == {ANSWER!r}
'''

HTTPSERVER_SUITE = f'''
import pytest
import requests

SESSION = requests.Session()


@pytest.mark.parametrize("n", range({TESTS}))
def test_read(httpserver, n):
    httpserver.expect_request("{READ}", method="POST").respond_with_json({ANSWER!r})
    answer = SESSION.post(httpserver.url_for("{READ}"), json={{"hash": "{HASH}"}})
    assert answer.json() == {ANSWER!r}
'''


# The floor for any Flask app behind this interceptor: a one-route app that
# only answers the same bytes, routed per test as ``mock`` routes its calls.
FLASK_FLOOR_SUITE = f'''
import pytest
import requests
from bench.bare_app import create_bare_app
from mockserver.testing import intercept

SESSION = requests.Session()
URL = "https://api.eu.navixy.com{READ}"


@pytest.fixture(scope="session")
def interceptor():
    return intercept(create_bare_app({{"{READ}": {ANSWER!r}}}))


@pytest.fixture
def routed(interceptor):
    with interceptor:
        yield


@pytest.mark.parametrize("n", range({TESTS}))
def test_read(routed, n):
    answer = SESSION.post(URL, json={{"hash": "{HASH}"}})
    assert answer.json() == {ANSWER!r}
'''


def _run_suite(folder: Path, plugins: list[str]) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               *[arg for name in plugins for arg in ("-p", name)], str(folder)]
    # each suite loads its own plugin and no other installed one, so that it
    # pays for no plugin it does not use
    env = {**_env(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    started = time.perf_counter()
    out = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    if out.returncode != 0 or f"{TESTS} passed" not in out.stdout:
        tail = (out.stdout + out.stderr).strip().splitlines()[-3:]
        raise RuntimeError(f"suite {folder.name} failed: {' / '.join(tail)}")
    return elapsed


def _suites(root: Path) -> dict[str, tuple[Path, list[str]]]:
    suites = {}
    for name, source, plugins in (("empty", EMPTY_SUITE, []), ("mock", MOCK_SUITE, ["pytest_plugin.plugin"]),
                                  ("responses", RESPONSES_SUITE, []), ("flask_floor", FLASK_FLOOR_SUITE, []),
                                  ("httpserver", HTTPSERVER_SUITE, ["pytest_httpserver.pytest_plugin"])):
        folder = root / name
        folder.mkdir()
        (folder / f"test_{name}.py").write_text(source, encoding="utf-8")
        suites[name] = (folder, plugins)
    return suites


def run() -> list[dict]:
    for module, package in (("pytest_httpserver", "pytest-httpserver"), ("responses", "responses")):
        if importlib.util.find_spec(module) is None:
            raise NotAvailable(f"{package} is not installed (pip install '.[bench]')")
    compile_sources()  # the mock's own modules start from bytecode, as the peers' do
    with tempfile.TemporaryDirectory(prefix="bench-pytest-") as root:
        suites = _suites(Path(root))
        times: dict[str, list[float]] = {name: [] for name in suites}
        for round_number in range(ROUNDS):
            # rotated, so that no suite always runs right after the same one
            names = list(suites)
            for name in names[round_number:] + names[:round_number]:
                times[name].append(_run_suite(*suites[name]))
    best = {name: min(runs) for name, runs in times.items()}
    per_test_ms = {name: (best[name] - best["empty"]) / TESTS * 1000
                   for name in ("mock", "responses", "httpserver", "flask_floor")}
    against_responses = per_test_ms["mock"] / per_test_ms["responses"]
    against_httpserver = per_test_ms["mock"] / per_test_ms["httpserver"]
    details = {
        "tests": TESTS, "rounds": ROUNDS,
        "suite_seconds": {name: round(seconds, 2) for name, seconds in best.items()},
    }
    return [
        figure(f"pytest: per-test cost of `mock` ({TESTS} tests)", round(per_test_ms["mock"], 2), "ms",
               baseline="responses", baseline_value=round(per_test_ms["responses"], 2),
               ratio=round(against_responses, 2), target="<= 1x", met=against_responses <= 1.0, **details),
        figure(f"pytest: per-test cost of `mock` ({TESTS} tests)", round(per_test_ms["mock"], 2), "ms",
               baseline="pytest-httpserver", baseline_value=round(per_test_ms["httpserver"], 2),
               ratio=round(against_httpserver, 2), target="<= 0.8x", met=against_httpserver <= 0.8, **details),
        figure(f"pytest: per-test cost, bare Flask app behind the interceptor ({TESTS} tests)",
               round(per_test_ms["flask_floor"], 2), "ms",
               baseline="responses", baseline_value=round(per_test_ms["responses"], 2),
               ratio=round(per_test_ms["flask_floor"] / per_test_ms["responses"], 2), target="report", met=None,
               **details),
    ]
