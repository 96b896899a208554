"""``requests`` in process: answers built by the app, raised errors as over a socket.

``send_in_process`` is what ``HTTPAdapter.send`` does for a call the
interceptor takes, and ``InProcessAdapter`` is the same as an adapter to
mount on a session. Answers go through the adapter's public
``build_response``, from a urllib3 response, as ``responses`` builds them.
"""
from __future__ import annotations

import io
import json
from http.client import RemoteDisconnected
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse
from urllib3.exceptions import ProtocolError
from urllib3.util import Timeout

from .wsgi_call import Dropped, GaveUp, WSGICall


def body_bytes(body) -> bytes:
    """A prepared request's body (bytes, text, a file or an iterable of chunks) read whole."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in body)


def read_timeout(timeout) -> float | None:
    """The read timeout in a ``requests`` ``timeout`` (a number, a (connect, read)
    pair or a urllib3 ``Timeout``), resolved and checked as ``HTTPAdapter.send`` does."""
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        try:
            connect, read = timeout
            resolved = Timeout(connect=connect, read=read)
        except ValueError:
            raise ValueError(
                f"Invalid timeout {timeout}. Pass a (connect, read) timeout tuple, "
                f"or a single float to set both timeouts to the same value."
            ) from None
    elif isinstance(timeout, Timeout):
        resolved = timeout
    else:
        resolved = Timeout(connect=timeout, read=timeout)
    started = resolved.clone()  # a total timeout counts from the connection, made now
    started.start_connect()
    return started.read_timeout


def build(adapter: HTTPAdapter, request, status: int, reason: str, headers, content: bytes):
    """A ``requests.Response`` as ``adapter`` builds one from the wire."""
    raw = HTTPResponse(body=io.BytesIO(content), headers=headers, status=status, reason=reason,
                       preload_content=False, decode_content=False, request_url=request.url)
    return adapter.build_response(request, raw)


def send_in_process(call: WSGICall, adapter: HTTPAdapter, request, timeout):
    """``request`` answered by the app, or the error ``requests`` raises over a socket."""
    patience = read_timeout(timeout)
    try:
        status, reason, headers, content = call(
            request.method, request.url, request.headers.items(), body_bytes(request.body), patience)
    except GaveUp:
        # the words urllib3 uses for a socket that timed out
        parts = urlsplit(request.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        pool = "HTTPSConnectionPool" if parts.scheme == "https" else "HTTPConnectionPool"
        raise requests.exceptions.ReadTimeout(
            f"{pool}(host={parts.hostname!r}, port={port}): Read timed out. (read timeout={patience})",
            request=request) from None
    except Dropped:
        closed = RemoteDisconnected("Remote end closed connection without response")
        raise requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", closed),
                                                  request=request) from None
    return build(adapter, request, status, reason, headers, content)


def json_answer(adapter: HTTPAdapter, request, status: int, body: dict):
    """A JSON answer made here, not by the app (a path an external mock must not get)."""
    content = json.dumps(body).encode()
    return build(adapter, request, status, "Not Found", [("Content-Type", "application/json")], content)


class InProcessAdapter(HTTPAdapter):
    """A transport adapter that calls a WSGI app instead of opening a socket:
    ``session.mount(url, InProcessAdapter(app))``."""

    def __init__(self, app):
        super().__init__()
        self.call = WSGICall(app)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        return send_in_process(self.call, self, request, timeout)
