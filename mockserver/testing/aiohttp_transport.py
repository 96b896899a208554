"""``aiohttp``: calls to the real hosts reach the mock over a loopback socket.

aiohttp has no public transport hook. Its one stable patch point is
``ClientSession._request``, the coroutine every request method of every
session goes through; aioresponses patches the same one, and aiohttp is
pinned below 4 for it. ``ClientSession._build_url`` resolves a session's
``base_url`` as aiohttp itself does.

The call is sent on by aiohttp's own code, with only the URL changed: to an
external mock, or, for an in-process interceptor, to a server that serves
the app inside this process on 127.0.0.1 for as long as the interceptor is
active (an external HTTPS mock's certificate is checked against its own CA,
not against what the client set for the real host). So the client's
timeouts raise aiohttp's own timeout errors, a dropped connection raises
``aiohttp.ServerDisconnectedError``, and cookies, redirects and streaming
behave as over any socket. The ``Host`` header keeps
the real host name, so the mock answers a path that host's API does not have
with a 404 in that API's envelope. A response's ``url`` is the URL the call
was sent to.
"""
from __future__ import annotations

import threading

_original_request = None


def patch(taker, refusal) -> None:
    """Route every session's calls that ``taker(url)`` claims to its interceptor;
    refuse those that ``refusal(url)`` gives a reason for."""
    global _original_request
    from aiohttp import ClientSession

    original = _original_request = ClientSession._request

    async def _request(session, method, str_or_url, **kwargs):
        url = session._build_url(str_or_url)
        interceptor = taker(str(url))
        if interceptor is None:
            refused = refusal(str(url))
            if refused:
                from aiohttp import ClientConnectionError

                raise ClientConnectionError(refused)
            return await original(session, method, str_or_url, **kwargs)
        target, headers, ssl_context = interceptor.aiohttp_route(url, kwargs.get("headers"))
        kwargs["headers"] = headers
        if ssl_context is not None and kwargs.get("ssl", True) is not False:
            kwargs["ssl"] = ssl_context  # the client's settings were made for the real host
        kwargs.pop("server_hostname", None)
        kwargs.pop("proxy", None)  # the mock is reached directly
        return await original(session, method, target, **kwargs)

    ClientSession._request = _request


def unpatch() -> None:
    global _original_request
    if _original_request is not None:
        from aiohttp import ClientSession

        ClientSession._request = _original_request
        _original_request = None


def routed(base: str, url, headers):
    """(the URL on the mock at ``base``, the headers with the real ``Host``) for ``url``."""
    from multidict import CIMultiDict
    from yarl import URL

    sent = CIMultiDict(headers or {})
    if "Host" not in sent:
        sent["Host"] = url.raw_host if url.port in (None, 443) else f"{url.raw_host}:{url.port}"
    return URL(base.rstrip("/") + (url.raw_path_qs or "/"), encoded=True), sent


class LoopbackServer:
    """The app on 127.0.0.1, started on first use, for an in-process interceptor.

    ``HostGuard`` tells the app which real host each call was meant for."""

    def __init__(self, app):
        self._app = app
        self._server = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        with self._lock:
            if self._server is None:
                from ..server import ThreadedServer, announce_address
                from .hosts import HostGuard

                self._server = ThreadedServer(HostGuard(self._app), host="127.0.0.1", port=0)
                # the app's own address: no webhook may point at it
                announce_address(self._app, "127.0.0.1", self._server.port)
            return self._server.url

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()
