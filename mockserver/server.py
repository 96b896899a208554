"""Serving an app on waitress, with a clean stop on SIGINT and SIGTERM."""
from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import threading

import waitress

DEFAULT_THREADS = 8


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def close_server(server, thread: threading.Thread | None = None, timeout: float = 5.0) -> None:
    """Stop a waitress server: workers first (a task still running when the
    trigger pipe closes dies with EBADF), then the sockets, idle keep-alive
    connections included, which would otherwise keep the serving loop alive.

    Given the thread that runs the serving loop, the sockets are closed in
    that thread, between two ``select`` calls: closed from another thread,
    they can vanish while the loop is inside ``select``, which then fails
    with EBADF and kills the thread with a traceback.
    """
    server.task_dispatcher.shutdown(timeout=2)
    if thread is not None and thread.is_alive():
        try:
            server.trigger.pull_trigger(lambda: _close_sockets(server))
        except OSError:  # the trigger is already closed: the loop is ending
            pass
        thread.join(timeout)
        if not thread.is_alive():
            return
    _close_sockets(server)


def _close_sockets(server) -> None:
    for channel in list(server._map.values()):
        if channel is not server and channel is not server.trigger:
            channel.handle_close()
    server.close()  # the listening socket and the trigger: the loop's map is empty, and it ends


def serve(app, host: str, port: int, *, threads: int = DEFAULT_THREADS, on_ready=None, on_stop=None) -> None:
    """Bind, announce, serve until SIGINT or SIGTERM, then close. Binding errors raise OSError here.

    The signal handlers only set an event: raising from them could land inside
    waitress's own handlers and be swallowed there.
    """
    stopping = threading.Event()
    received: list[str] = []

    def stop(signum, frame):
        received.append(signal.Signals(signum).name)
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with ThreadedServer(app, host, port, threads=threads) as server:
            if on_ready:
                on_ready(server.host, server.port)
            while not stopping.wait(0.5):
                pass
            print(f"mockserver: {received[0]}, stopping", file=sys.stderr, flush=True)
    finally:
        if on_stop:
            on_stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def announce_address(app, host: str, port: int) -> None:
    """Tell a mock app where it is served, once bound (port 0 is known only then)."""
    extensions = getattr(app, "extensions", None) or {}
    mock = extensions.get("mockserver")
    if mock is not None:
        mock.listening_on(host, port)


class ThreadedServer:
    """An app on a real socket, served from a daemon thread.

    It binds in the caller's thread, so a bind error (port in use, bad host)
    is raised right here, in the caller; port 0 picks a free port, read back
    into ``.port``.
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, *, threads: int = DEFAULT_THREADS):
        self.app = app
        try:
            self._server = waitress.create_server(app, host=host, port=port, threads=threads, ident="mockserver")
        except OSError as exc:
            raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.host = host
        self.port = self._server.effective_port
        self.url = f"http://{host}:{self.port}"
        announce_address(app, host, self.port)
        self._thread = threading.Thread(target=self._server.run, name=f"mockserver:{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        close_server(self._server, self._thread)
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
