"""A server started on demand holds its port from the start, starts granian
on the first connection (which it then answers), and stops cleanly whether
or not anyone connected."""
import socket
import threading

import pytest
import requests

from mockserver import create_app
from mockserver.server import ThreadedServer

pytestmark = pytest.mark.live

READ = "/v2/user/session/delivery/read"
HASH = "66666666666666666666666666666666"


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_the_first_connection_starts_the_server_and_is_answered():
    with ThreadedServer(create_app(), on_demand=True) as server:
        assert not server._server.started
        answer = requests.post(server.url + READ, json={"hash": HASH}, timeout=30)
        assert answer.status_code == 200 and answer.json()["success"] is True
        assert server._server.started
        assert requests.get(server.url + "/__mock/health", timeout=30).json() == {"status": "ok"}
    assert _refused(server.port)


def test_a_server_nobody_connected_to_stops_and_frees_its_port():
    threads_before = set(threading.enumerate())
    server = ThreadedServer(create_app(), on_demand=True)
    port = server.port
    with pytest.raises(OSError):  # held from the start
        ThreadedServer(create_app(), port=port, on_demand=True)
    server.stop()
    assert not server._server.started
    assert _refused(port)
    assert set(threading.enumerate()) <= threads_before


def test_only_granian_starts_on_demand():
    with pytest.raises(ValueError):
        ThreadedServer(create_app(), server="waitress", on_demand=True)
