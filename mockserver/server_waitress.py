"""Serving a WSGI app on waitress (pure Python, asyncore and a thread pool)."""
from __future__ import annotations

import threading

from .connection_drop import DROP_ENVIRON

NAME = "waitress"
# waitress stops accepting at this many connections; idle and slow clients
# must not lock everyone else out (the sockets cost no thread; poll, not
# select, so descriptors past 1024 work)
CONNECTION_LIMIT = 500


class WaitressServer:
    """An app on waitress, bound at construction, serving after ``start()``.

    A connection is closed after ``idle_timeout`` seconds without any byte in
    or out; one that drips a byte now and then stays open (waitress bounds
    inactivity, not the time a request takes to arrive).
    """

    name = NAME

    def __init__(self, app, host: str, port: int, *, threads: int, idle_timeout: float, tls=None):
        import waitress

        if tls is not None:
            raise ValueError("waitress does not serve TLS here: use --server granian for --tls")
        try:
            self._server = waitress.create_server(
                _closing_dropped_calls(app), host=host, port=port, threads=threads, ident="mockserver",
                channel_timeout=idle_timeout, connection_limit=CONNECTION_LIMIT, asyncore_use_poll=True,
            )
        except OSError as exc:
            raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._server.run, name=f"mockserver:{self.port}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Workers first (a task still running when the trigger pipe closes dies
        with EBADF), then the sockets, idle keep-alive connections included,
        which would otherwise keep the serving loop alive.

        The sockets are closed in the serving thread, between two ``select``
        calls: closed from another thread, they can vanish while the loop is
        inside ``select``, which then fails with EBADF and kills the thread.
        """
        server = self._server
        server.task_dispatcher.shutdown(timeout=2)
        if self._thread.is_alive():
            try:
                server.trigger.pull_trigger(lambda: _close_sockets(server))
            except OSError:  # the trigger is already closed: the loop is ending
                pass
            self._thread.join(timeout)
            if not self._thread.is_alive():
                return
        _close_sockets(server)
        self._thread.join(timeout)


def _closing_dropped_calls(app):
    """A call marked dropped raises waitress's ``ClientDisconnected`` before
    anything is written, and waitress closes the connection without a word."""
    from waitress.channel import ClientDisconnected

    def call(environ, start_response):
        result = app(environ, start_response)
        if environ.get(DROP_ENVIRON):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise ClientDisconnected("the call was dropped by a fault rule")
        return result

    return call


def _close_sockets(server) -> None:
    for channel in list(server._map.values()):
        if channel is not server and channel is not server.trigger:
            channel.handle_close()
    server.close()  # the listening socket and the trigger: the loop's map is empty, and it ends
