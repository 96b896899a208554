"""ThreadedServer stops cleanly on every server: no thread dies with an
exception, the port is closed and so are idle keep-alive connections.

On waitress the sockets are closed in the serving thread, so ``select``
never sees a descriptor vanish (EBADF)."""
import http.client
import socket
import threading

import pytest

from mockserver import create_app
from mockserver.server import SERVER_NAMES, ThreadedServer

pytestmark = pytest.mark.live


@pytest.mark.parametrize("server_name", SERVER_NAMES)
def test_many_stops_with_open_connections_leave_no_thread_exception(server_name):
    app = create_app()
    failures = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(f"{args.thread.name}: {args.exc_type.__name__}: {args.exc_value}")
    try:
        for _ in range(30):
            server = ThreadedServer(app, server=server_name)
            idle = http.client.HTTPConnection(server.host, server.port, timeout=5)
            idle.request("GET", "/__mock/health")
            assert idle.getresponse().read()  # keep-alive: the connection stays open
            server.stop()
            assert idle.sock.recv(1) == b""  # the server closed it
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((server.host, server.port), timeout=5)
            idle.close()
    finally:
        threading.excepthook = previous
    assert failures == []


def test_the_default_server_is_granian():
    with ThreadedServer(create_app()) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
        connection.request("GET", "/__mock/health")
        assert connection.getresponse().status == 200
        assert server.server_name == "granian"
