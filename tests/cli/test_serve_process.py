"""``mockserver serve`` as a real process on a free port, over a socket."""
import signal
import subprocess
import sys

import pytest
import requests

from ..processes import REPO, ServeProcess

pytestmark = pytest.mark.live
MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def test_serve_answers_logs_each_request_and_stops_on_sigterm():
    with ServeProcess() as server:
        created = requests.post(server.url + "/v2/user/session/delivery/create", json={"hash": MASTER}, timeout=5)
        assert created.status_code == 200
        read = requests.get(server.url + "/v2/user/session/delivery/read", params={"hash": MASTER}, timeout=5)
        assert read.json() == {"success": True, "value": created.json()["value"]}
        assert requests.get(server.url + "/__mock/health", timeout=5).json() == {"status": "ok"}
        assert server.wait_for_output('"GET /v2/user/session/delivery/read?hash=***" 200')
        assert server.stop(signal.SIGTERM) == 0
        assert any("SIGTERM, stopping" in line for line in server.output)
        assert not any(MASTER in line for line in server.output), "a credential reached the log"


def test_sigint_stops_cleanly():
    with ServeProcess("--quiet") as server:
        assert requests.get(server.url + "/__mock/health", timeout=5).ok
        assert server.stop(signal.SIGINT) == 0
        assert not any("Traceback" in line for line in server.output), "".join(server.output)


def test_unknown_scenario_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="no scenario named 'nope'"):
        ServeProcess("--scenario", "nope", timeout=10)


def test_non_loopback_host_needs_an_admin_token():
    with pytest.raises(RuntimeError, match="without --admin-token"):
        ServeProcess("--host", "0.0.0.0", timeout=10)


def test_port_in_use_is_a_clear_error():
    with ServeProcess("--quiet") as first:
        port = first.url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "mockserver", "serve", "--port", port, "--quiet"],
            capture_output=True, text=True, timeout=20, cwd=REPO,
        )
        assert result.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
        assert "Traceback" not in result.stderr
