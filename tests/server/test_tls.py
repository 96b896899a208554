"""``serve --tls``: a local CA's certificate for the local names and every
--tls-name, the CA's path in the first line and at /__mock/tls/ca.pem; or the
user's own certificate with --tls-cert and --tls-key."""
import re
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import trustme

from mockserver import create_app
from mockserver.server import ThreadedServer
from mockserver.tls import make_certificate, names_for

from ..processes import REPO, ServeProcess

pytestmark = pytest.mark.live


def ca_of(process) -> Path:
    return Path(re.search(r"CA: ([^)]+)\)", process.output[0]).group(1))


def handshake(port: int, ca_file: Path, server_name: str) -> None:
    context = ssl.create_default_context(cafile=str(ca_file))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name):
            pass


def test_serve_tls_makes_a_ca_prints_it_serves_it_and_removes_it_on_stop():
    with ServeProcess("--tls", "--tls-name", "api.dellin.ru", "--quiet", timeout=60) as server:
        assert server.url.startswith("https://127.0.0.1:")
        ca_file = ca_of(server)
        assert requests.get(server.url + "/__mock/health", verify=str(ca_file), timeout=10).json() == {"status": "ok"}
        served = requests.get(server.url + "/__mock/tls/ca.pem", verify=str(ca_file), timeout=10)
        assert served.content == ca_file.read_bytes()
        assert served.headers["Content-Type"].startswith("application/x-pem-file")
        port = int(server.url.rsplit(":", 1)[1])
        for name in ("localhost", "127.0.0.1", "api.dellin.ru"):
            handshake(port, ca_file, name)
        with pytest.raises(ssl.SSLCertVerificationError):
            handshake(port, ca_file, "other.example")
        assert server.stop(signal.SIGTERM) == 0
    assert not ca_file.parent.exists()


def test_the_users_own_certificate(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    with ServeProcess("--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem"),
                      "--quiet", timeout=60) as server:
        assert "CA:" not in server.output[0]
        url = server.url.replace("127.0.0.1", "localhost")
        assert requests.get(url + "/__mock/health", verify=str(tmp_path / "ca.pem"), timeout=10).ok
        assert requests.get(url + "/__mock/tls/ca.pem", verify=str(tmp_path / "ca.pem"), timeout=10).status_code == 404


@pytest.mark.parametrize("args, message", [
    (["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
    (["--tls", "--server", "waitress"], "HTTPS is served by granian only"),
    (["--tls-cert", "missing.pem", "--tls-key", "missing.pem"], "cannot read missing.pem"),
    (["--tls-cert", __file__, "--tls-key", __file__], "cannot use --tls-cert"),
])
def test_bad_tls_options_are_one_line_and_exit_2(args, message):
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_threaded_server_serves_https_in_process():
    files = make_certificate(names_for(["api.eu.navixy.com"]))
    try:
        with ThreadedServer(create_app(), tls=files) as server:
            assert server.url.startswith("https://")
            answer = requests.get(server.url + "/__mock/health", verify=str(files.ca_file), timeout=10)
            assert answer.json() == {"status": "ok"}
    finally:
        files.discard()
    assert not files.directory.exists()


def test_the_names_of_a_made_certificate():
    assert names_for(["api.dellin.ru", "localhost"], host="127.0.0.2") == [
        "localhost", "127.0.0.1", "::1", "127.0.0.2", "api.dellin.ru"]
    assert names_for([], host="0.0.0.0") == ["localhost", "127.0.0.1", "::1"]
