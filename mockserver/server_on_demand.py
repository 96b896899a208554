"""Granian started on the first connection: the socket is bound at once, so
the port is known and held (and a bind error raised in the caller), while
granian (asyncio, its Rust runtime: 50-100 ms to import and start) starts
only once a client connects.

The pytest plugin serves its mock this way: the ``mock`` fixture answers
calls to its URL in process, so a suite whose clients all go through it
never starts a server. A watcher thread waits in ``select`` (no CPU) for a
connection; that connection waits in the listen backlog while granian starts
on the same socket, then granian accepts it.
"""
from __future__ import annotations

import selectors
import socket
import threading

from .server import bind


class OnDemandServer:
    """The ``GranianServer`` interface; the server is made on the first connection."""

    name = "granian"

    def __init__(self, app, host: str, port: int, *, threads: int, idle_timeout: float, tls=None):
        self._listener = bind(host, port)
        self.port = self._listener.getsockname()[1]
        self._settings = (app, host, port, {"threads": threads, "idle_timeout": idle_timeout, "tls": tls})
        self._server = None
        self._stopping = False
        self._lock = threading.Lock()
        self._wake, self._waker = socket.socketpair()
        self._watcher = threading.Thread(target=self._watch, name=f"mockserver:{self.port}:on-demand", daemon=True)

    def start(self) -> None:
        self._watcher.start()

    def _watch(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            selector.select()
        with self._lock:
            if self._stopping:
                return
            from .server_granian import GranianServer

            app, host, port, settings = self._settings
            server = GranianServer(app, host, port, listener=self._listener, **settings)
            server.start()
            self._server = server

    @property
    def started(self) -> bool:
        """Whether a connection came, and granian serves."""
        return self._server is not None

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self._waker.send(b"\0")
        if self._watcher.ident is not None:  # started
            self._watcher.join()
        self._wake.close()
        self._waker.close()
        if self._server is not None:
            self._server.stop()
        else:
            self._listener.close()
