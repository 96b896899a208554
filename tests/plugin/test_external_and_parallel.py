"""--mock-url against a ``mockserver serve`` subprocess, and pytest-xdist workers."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .conftest import REPO

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
LISTENING = re.compile(r"^mockserver listening on (http://\S+)")


@pytest.fixture
def served_mock():
    """``python -m mockserver serve --port 0`` in a subprocess; yields its URL."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--quiet", "--allow-http-webhooks"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=str(REPO),
    )
    try:
        url = None
        for line in process.stdout:
            match = LISTENING.match(line)
            if match:
                url = match.group(1)
                break
        assert url, "mockserver serve exited without announcing its URL"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.mark.live
def test_the_fixtures_work_against_an_external_mock(runner, served_mock):
    runner.pytester.makepyfile(
        f"""
        import pytest, requests

        def test_uses_the_external_server(mock_server, mock):
            assert mock_server.external and mock_server.app is None
            assert mock.url == "{served_mock}"
            r = requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            assert r.status_code == 200
            mock.assert_called("navixy.delivery.create", times=1)
            mock.advance_clock("20m")

        def test_reset_went_through_the_admin_api(mock):
            assert mock.requests == []
            assert mock.clock()["now"] == "2024-06-01T09:00:00Z"
            r = requests.post(mock.navixy_url + "/user/session/delivery/read", json={{"hash": "{MASTER}"}})
            assert r.json()["status"]["code"] == 201

        @pytest.mark.mock_scenario({{"name": "ext", "state": {{"navixy": {{"users": [{{"hash": "9" * 32, "demo": True}}]}}}}}})
        def test_marker(mock):
            assert requests.get(mock.navixy_url + "/user/session/delivery/create", params={{"hash": "9" * 32}}).ok

        def test_interception_goes_over_http(mock, mock_intercept):
            assert not mock_intercept.in_process
            r = requests.post("https://api.eu.navixy.com/v2/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            assert r.status_code == 200
            mock.assert_called("navixy.delivery.create", times=1)
        """
    )
    runner.run("-p", "no:randomly", "--mock-url", served_mock).assert_outcomes(passed=4)


@pytest.mark.live
def test_the_ini_key_names_the_external_mock(runner, served_mock):
    runner.pytester.makeini(f"[pytest]\nmock_url = {served_mock}\n")
    runner.pytester.makepyfile(
        f"""
        def test_it(mock_server):
            assert mock_server.url == "{served_mock}"
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_an_unreachable_mock_url_errors_with_a_clear_message(runner):
    import socket

    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner.pytester.makepyfile("def test_it(mock):\n    pass\n")
    result = runner.run("--mock-url", f"http://127.0.0.1:{port}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*--mock-url http://127.0.0.1:{port}: the mock does not answer*"])


@pytest.mark.live
def test_xdist_gives_each_worker_its_own_server(runner):
    runner.pytester.makepyfile(
        **{
            f"test_worker_{n}": f"""
            import os, requests

            def test_isolated(mock, mock_server):
                assert mock_server.app is not None
                # each test creates one session and sees only its own calls
                r = requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{MASTER}"}})
                assert r.status_code == 200
                mock.assert_called("navixy.delivery.create", times=1)
                print("WORKER", os.environ.get("PYTEST_XDIST_WORKER"), "URL", mock_server.url)
            """
            for n in range(4)
        }
    )
    # -rA shows each test's output
    result = runner.run("-n", "2", "-rA", plugins=["xdist.plugin"])
    result.assert_outcomes(passed=4)
    pairs = set(re.findall(r"WORKER (gw\d) URL (http://\S+)", result.stdout.str()))
    workers = {worker for worker, _ in pairs}
    urls_by_worker = {worker: {url for w, url in pairs if w == worker} for worker in workers}
    assert workers == {"gw0", "gw1"}, result.stdout.str()
    assert all(len(urls) == 1 for urls in urls_by_worker.values())
    assert urls_by_worker["gw0"] != urls_by_worker["gw1"]
