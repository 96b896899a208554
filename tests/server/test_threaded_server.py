"""ThreadedServer stops without killing its serving thread: the sockets are
closed in that thread, so ``select`` never sees a descriptor vanish (EBADF)."""
import http.client
import threading

import pytest

from mockserver import create_app
from mockserver.server import ThreadedServer

pytestmark = pytest.mark.live


def test_many_stops_with_open_connections_leave_no_thread_exception():
    app = create_app()
    failures = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(f"{args.thread.name}: {args.exc_type.__name__}: {args.exc_value}")
    try:
        for _ in range(30):
            server = ThreadedServer(app)
            idle = http.client.HTTPConnection(server.host, server.port, timeout=5)
            idle.request("GET", "/__mock/health")
            assert idle.getresponse().read()  # keep-alive: the channel stays open
            server.stop()
            assert not server._thread.is_alive()
            idle.close()
    finally:
        threading.excepthook = previous
    assert failures == []
