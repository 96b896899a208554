"""Serving a WSGI app on granian (Rust, hyper and tokio) inside this process.

Granian's public ``Server`` always runs the app in worker processes and,
on Linux, binds each worker's socket itself: ``--port 0`` would then listen
on a port the parent never learns, and the app (its state, its clean stop)
would live in a child. So this module drives granian's WSGI worker directly
on a socket bound here, in this process: a bind error is an ``OSError`` in
the caller, port 0 is read back from the socket, and stopping is one signal.
Those are granian's private names (``granian._granian``, ``granian._futures``);
they buy exactly that, and the dependency is pinned below the next minor
version for it.

Idle connections and slowly dripped request headers cost no thread here:
hyper reads headers on tokio's event loop, and closes a connection whose
next request's headers have not all arrived within ``idle_timeout`` seconds,
counted from its opening or from the end of its previous answer.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import sys
import threading
import time
import weakref

from granian._futures import _new_cbscheduler
from granian._granian import SocketHolder, WorkerSignal, WSGIWorker
from granian.http import HTTP1Settings

from . import connection_drop
from .connection_drop import DROP_ENVIRON
from .server import BACKLOG, bind

NAME = "granian"
RUNTIME_THREADS = 1  # tokio threads: the Python threads do the work
# granian holds one permit per open connection (its "backpressure"): idle
# ones included, so it must be far above the connections a suite keeps open;
# the Python threads bound the requests served at once
MAX_CONNECTIONS = 4096
THREAD_IDLE_TIMEOUT_SECONDS = 30


def wsgi_callback(app):
    """Granian's call of a WSGI app: environ in, one response out.

    The mock's answers are small, so the body is joined here and handed over
    in one piece, which spares a Rust-to-Python call per chunk. A dropped
    connection (a fault) is closed before any byte is written when the
    connection can be told apart; otherwise the status line goes out and the
    connection is cut before the body (see ``connection_drop``).
    """
    base = {
        "SCRIPT_NAME": "",
        "SERVER_SOFTWARE": "mockserver (granian)",
        "wsgi.errors": sys.stderr,
        "wsgi.input_terminated": True,
        "wsgi.multiprocess": False,
        "wsgi.multithread": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    def call(proto, scope):
        environ = base | scope
        started: list = []

        def start_response(status, headers, exc_info=None):
            started[:] = (status, headers)

        result = app(environ, start_response)
        status = int(started[0][:3])
        if environ.get(DROP_ENVIRON):
            return _drop(proto, environ, status, started[1], result)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        proto.response_bytes(status, started[1], body)
        return status

    return call


def _drop(proto, environ, status, headers, result):
    if connection_drop.close_connection_of(environ):
        close = getattr(result, "close", None)
        if close is not None:
            close()
        proto.response_bytes(status, headers, b"")  # to a closed socket: never sent
        return status
    # the connection could not be told apart from another one: granian cuts
    # it at the body's error, after the status line or before it (a race)
    proto.response_iter(status, headers, result)
    return status


# how long ``stop`` waits for granian to let go of the app (it takes
# milliseconds; an answer still being written may hold it longer)
RELEASE_TIMEOUT_SECONDS = 10.0


class GranianServer:
    """An app on granian, bound at construction, serving after ``start()``."""

    name = NAME

    def __init__(self, app, host: str, port: int, *, threads: int, idle_timeout: float, tls=None, listener=None):
        # ``listener``: a socket already bound and listening (see ``server_on_demand``)
        self._listener = listener if listener is not None else bind(host, port)
        self._address = self._listener.getsockname()
        self.port = self._address[1]
        self._app = app
        self._threads = threads
        self._idle_timeout = idle_timeout
        self._tls = tls
        self._signal: WorkerSignal | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        tls = self._tls
        worker = WSGIWorker(
            1,
            (None, SocketHolder(self._listener.detach(), False, BACKLOG)),  # granian owns the descriptor now
            None,  # no metrics pipe
            RUNTIME_THREADS,
            512,  # tokio's own blocking pool (file and DNS work), not Python threads
            self._threads,
            THREAD_IDLE_TIMEOUT_SECONDS,
            MAX_CONNECTIONS,
            "1",  # HTTP/1.1
            HTTP1Settings(header_read_timeout=max(1, round(self._idle_timeout * 1000))),
            None,
            None,  # no static files
            tls is not None,
            str(tls.cert_file) if tls else None,
            str(tls.key_file) if tls else None,
            None,
            "tls1.2",
            None,
            [],
            False,
            (None, None),
        )
        self._signal = WorkerSignal()
        # granian's WSGI worker calls the app from its own threads; the loop is
        # only part of the scheduler's signature, and never runs
        self._loop = asyncio.new_event_loop()
        callback = wsgi_callback(self._app)
        # set once granian has let go of the app (see ``stop``); only granian
        # holds the callback once this method returns
        self._released = threading.Event()
        weakref.finalize(callback, self._released.set)
        worker.serve_mtr(_new_cbscheduler(self._loop, callback, impl_asyncio=True), self._loop, self._signal)
        del callback

    def stop(self) -> None:
        if self._signal is None:
            self._listener.close()
            return
        self._signal.set()
        self._wait_closed()
        # Granian's threads drop their Python objects a moment after the port
        # closes. Wait for that: a Rust thread that takes the GIL while the
        # interpreter finalizes is ended by CPython, and that aborts the
        # process (SIGABRT) instead of letting it exit.
        self._released.wait(RELEASE_TIMEOUT_SECONDS)
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    def _wait_closed(self, timeout: float = 5.0) -> None:
        """Granian stops in its own threads: return once the port refuses connections."""
        host = self._address[0]
        if ipaddress.ip_address(host).is_unspecified:
            host = "::1" if ":" in host else "127.0.0.1"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((host, self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.005)
