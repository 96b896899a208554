"""Calling a WSGI app for one request as a server on a socket would.

The one core behind every in-process transport (``requests`` and ``httpx``,
sync and async): the app gets the environ a server builds (a chunked body
read whole with its length declared, a header sent twice as one, a ``Host``
without the URL's ``user:password@``), and the client's read timeout bounds a
delay fault as a socket's would.
"""
from __future__ import annotations

import io
import sys
from functools import lru_cache
from urllib.parse import unquote_to_bytes, urlsplit

from .hosts import HostGuard


class GaveUp(Exception):
    """The client's read timeout passed before the answer came."""


class Dropped(Exception):
    """The app closed the connection without answering."""


@lru_cache(maxsize=256)
def _environ_key(header: str) -> str | None:
    """The WSGI environ key of a header; None for those the environ gets elsewhere.

    Transfer-Encoding is left out as a server leaves it out: it has read a
    chunked body whole, and declares its length (waitress does the same)."""
    key = header.upper().replace("-", "_")
    if key == "CONTENT_TYPE":
        return key
    return None if key in ("CONTENT_LENGTH", "HOST", "TRANSFER_ENCODING") else "HTTP_" + key


def wsgi_environ(method: str, url: str, header_items, body: bytes) -> dict:
    """The environ a server builds for this request, given its headers as (name, value) text."""
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        # PEP 3333: the decoded path as latin-1 text
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        # the Host header a client sends: user:password@ never goes in it
        "HTTP_HOST": parts.netloc.rpartition("@")[2],
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in header_items:
        key = _environ_key(name)
        if key is not None:
            # a header sent twice reaches the app once, its values joined, as from a server
            environ[key] = environ[key] + ", " + value if key in environ else value
    return environ


class WSGICall:
    """Calls a WSGI app (behind ``HostGuard``) for one request.

    A call returns (status code, reason, headers, body) or raises ``GaveUp``
    (a delay outlasted the client's read timeout; the app still finished the
    call, as a server does when its client has gone) or ``Dropped`` (the app
    closed the connection without answering). Each transport turns these into
    its library's own exceptions, those it raises over a socket."""

    def __init__(self, app):
        from ..faults.apply import CLIENT_GAVE_UP_ENVIRON, CLIENT_READ_TIMEOUT_ENVIRON, ConnectionDropped

        self.app = HostGuard(app)
        self.read_timeout_key = CLIENT_READ_TIMEOUT_ENVIRON
        self.gave_up_key = CLIENT_GAVE_UP_ENVIRON
        self.dropped = ConnectionDropped

    def __call__(self, method: str, url: str, header_items, body: bytes, read_timeout: float | None):
        environ = wsgi_environ(method, url, header_items, body)
        if read_timeout is not None:
            environ[self.read_timeout_key] = read_timeout
        captured = []

        def start_response(status, response_headers, exc_info=None):
            captured[:] = (status, response_headers)

        result = self.app(environ, start_response)
        try:
            content = b"".join(result)
        except self.dropped:
            content = None
        finally:
            if hasattr(result, "close"):
                result.close()
        if environ.get(self.gave_up_key):
            raise GaveUp(read_timeout)
        if content is None:
            raise Dropped()
        status, response_headers = captured
        code, _, reason = status.partition(" ")
        return int(code), reason, response_headers, content


def forwarded_url(target: str, url: str) -> str:
    """``url`` (a real base URL) on an external mock at ``target``: the same path and query."""
    parts = urlsplit(url)
    return target + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
