"""Serving an app on a real socket: granian (the default) or waitress.

``serve`` runs in the foreground until SIGINT or SIGTERM (``mockserver
serve``); ``ThreadedServer`` serves in the background of this process (the
pytest plugin, ``mockserver run``, live tests). Both bind in the caller, so
a bind error (port in use, bad host) is an ``OSError`` right there, and port
0 picks a free port, read back into ``.port``.
"""
from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import time

DEFAULT_THREADS = 8
# an idle connection, or one whose request's headers are still arriving, is
# closed after this many seconds
DEFAULT_IDLE_TIMEOUT = 30.0
DEFAULT_SERVER = "granian"
SERVER_NAMES = ("granian", "waitress")
BACKLOG = 1024


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


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; OSError("cannot listen on HOST:PORT: ...") when it cannot bind."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise OSError(getattr(exc, "errno", None), f"cannot listen on {host}:{port}: {_reason(exc)}") from exc
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError as exc:
        listener.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {_reason(exc)}") from exc
    return listener


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _backend(name: str):
    if name == "granian":
        from .server_granian import GranianServer

        return GranianServer
    if name == "waitress":
        from .server_waitress import WaitressServer

        return WaitressServer
    raise ValueError(f"unknown server {name!r}: one of {', '.join(SERVER_NAMES)}")


def url_host(host: str) -> str:
    """``host`` as it goes into a URL: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host else host


def announce_address(app, host: str, port: int) -> None:
    """Tell a mock app where it is served, once bound (port 0 is known only then)."""
    extensions = getattr(app, "extensions", None) or {}
    mock = extensions.get("mockserver")
    if mock is not None:
        mock.listening_on(host, port)


class ThreadedServer:
    """An app on a real socket, served in the background of this process.

    ``server`` names the HTTP server; ``tls`` (a ``tls.TlsFiles``) makes it HTTPS.
    ``on_demand``: bound now, the server started on the first connection (granian only).
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, *, threads: int = DEFAULT_THREADS,
                 server: str = DEFAULT_SERVER, idle_timeout: float = DEFAULT_IDLE_TIMEOUT, tls=None,
                 on_demand: bool = False):
        self.app = app
        if on_demand:
            if server != "granian":
                raise ValueError(f"only granian starts on demand, not {server}")
            from .server_on_demand import OnDemandServer

            backend = OnDemandServer
        else:
            backend = _backend(server)
        self._server = backend(app, host, port, threads=threads, idle_timeout=idle_timeout, tls=tls)
        self.server_name = server
        self.host = host
        self.port = self._server.port
        self.url = f"{'https' if tls is not None else 'http'}://{url_host(host)}:{self.port}"
        announce_address(app, host, self.port)
        self._server.start()
        self._stopped = False

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve(app, host: str, port: int, *, threads: int = DEFAULT_THREADS, server: str = DEFAULT_SERVER,
          idle_timeout: float = DEFAULT_IDLE_TIMEOUT, tls=None, on_ready=None, on_stop=None) -> None:
    """Bind, announce, serve until SIGINT or SIGTERM, then close. Binding errors raise OSError here.

    The signal handlers only note the signal: raising from them could land
    inside the server's own code and be swallowed there, and setting an Event
    takes its lock, which the main thread (where handlers run) may be holding
    inside ``Event.wait``: a deadlock.
    """
    received: list[str] = []

    def stop(signum, frame):
        received.append(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with ThreadedServer(app, host, port, threads=threads, server=server, idle_timeout=idle_timeout,
                            tls=tls) as running:
            if on_ready:
                on_ready(running.host, running.port)
            while not received:
                time.sleep(0.05)
            print(f"mockserver: {received[0]}, stopping", file=sys.stderr, flush=True)
    finally:
        if on_stop:
            on_stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
