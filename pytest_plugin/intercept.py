"""Route the real Navixy and Dellin base URLs to a mock, for ``requests`` and ``httpx``.

While an interceptor is active, calls to ``https://api.eu.navixy.com``,
``https://api.us.navixy.com`` and ``https://api.dellin.ru`` reach the mock:

- given a WSGI app (``mockserver.create_app()``), in-process, without sockets:
  a ``requests`` transport adapter that calls the app,
  ``httpx.WSGITransport`` mounted for those hosts on an ``httpx.Client``, and
  on an ``httpx.AsyncClient`` the same transport run in a worker thread;
- given a URL (an external ``mockserver serve``), over HTTP to that URL.

Paths are kept as they are: the mock serves Navixy under ``/v2``, as the real
host does, and Dellin at the root. On a Navixy host only ``/v2`` exists, and
on the Dellin host ``/v2`` and ``/__mock`` do not: such calls get a 404 in
that API's envelope instead of reaching another API. Every other host is left
alone. Usage outside pytest::

    from mockserver import create_app
    from pytest_plugin.intercept import intercept

    with intercept(create_app()):
        requests.post("https://api.eu.navixy.com/v2/user/session/delivery/read", json={...})
"""
from __future__ import annotations

import io
import json
import sys
import threading
from functools import lru_cache
from urllib.parse import unquote_to_bytes, urlsplit

NAVIXY, DELLIN = "navixy", "dellin"
# host -> the API it serves (https only, default port)
HOSTS = {"api.eu.navixy.com": NAVIXY, "api.us.navixy.com": NAVIXY, "api.dellin.ru": DELLIN}


@lru_cache(maxsize=1024)  # asked twice per call (adapter, settings), mostly of the same few URLs
def api_for_url(url: str) -> str | None:
    """The API a real base URL belongs to, or None for a host we leave alone."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or parts.port not in (None, 443):
        return None
    return HOSTS.get((parts.hostname or "").lower())


def foreign_path(api: str | None, path: str) -> tuple[int, dict] | None:
    """A 404 (status, body) in the API's envelope for a path that API does not have.

    For an external mock, answered here: sent on, such a call would reach the
    other API. (In process, the app answers it itself: see ``HostGuard``.) The
    rule is the app's own: the API a path belongs to must be the host's."""
    from mockserver.clock import Clock
    from mockserver.errors import DellinError, NavixyError
    from mockserver.web import api_for_path

    if api is None or api_for_path(path) == api:
        return None
    if api == NAVIXY:
        error = NavixyError(111)
        return error.http_status, error.body()
    error = DellinError.of(1005, f"no such endpoint: {path}")
    return error.http_status, error.body(Clock())


class HostGuard:
    """WSGI middleware in front of the mock app: tells it which real host was called.

    The app answers a path that host's API does not have with a 404 in that
    API's envelope, on the mock's clock, and records it in the journal."""

    def __init__(self, app):
        from mockserver.web import HOST_API_ENVIRON

        self.app = app
        self.environ_key = HOST_API_ENVIRON

    def __call__(self, environ, start_response):
        api = HOSTS.get(environ.get("HTTP_HOST", environ.get("SERVER_NAME", "")).split(":")[0].lower())
        if api is not None:
            environ[self.environ_key] = api
        return self.app(environ, start_response)


# ---------------------------------------------------------------------- requests
def _body_bytes(body) -> bytes:
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


@lru_cache(maxsize=256)
def _environ_key(header: str) -> str | None:
    """The WSGI environ key of a header; None for those the environ gets elsewhere."""
    key = header.upper().replace("-", "_")
    if key == "CONTENT_TYPE":
        return key
    return None if key in ("CONTENT_LENGTH", "HOST") else "HTTP_" + key


def _wsgi_environ(method: str, url: str, headers, body: bytes) -> dict:
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        # PEP 3333: the decoded path as latin-1 text
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or 443),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
        "CONTENT_LENGTH": str(len(body)),
    }
    # requests' CaseInsensitiveDict walks its own store here, without a lookup per key
    items = headers.lower_items() if hasattr(headers, "lower_items") else headers.items()
    for name, value in items:
        key = _environ_key(name)
        if key is not None:
            environ[key] = value
    return environ


def _requests_adapters():
    """The two adapter classes, built on first use so importing this module stays light."""
    import requests
    from requests.adapters import BaseAdapter, HTTPAdapter
    from requests.structures import CaseInsensitiveDict
    from requests.utils import get_encoding_from_headers

    def _response(request, status, reason, headers, content, adapter):
        response = requests.Response()
        response.status_code = status
        response.reason = reason
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(content)
        response._content = content
        response._content_consumed = True
        response.url = request.url
        response.request = request
        response.connection = adapter
        return response

    class WSGIAdapter(BaseAdapter):
        """A requests transport adapter that calls a WSGI app instead of opening a socket."""

        def __init__(self, app):
            super().__init__()
            self.app = HostGuard(app)

        def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
            environ = _wsgi_environ(request.method, request.url, request.headers, _body_bytes(request.body))
            captured = {}

            def start_response(status, response_headers, exc_info=None):
                captured["status"], captured["headers"] = status, response_headers

            result = self.app(environ, start_response)
            try:
                content = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            code, _, reason = captured["status"].partition(" ")
            return _response(request, int(code), reason, captured["headers"], content, self)

        def close(self):
            pass

    class ForwardingAdapter(HTTPAdapter):
        """Sends the call to the same path on an external mock's URL."""

        def __init__(self, target_url: str):
            super().__init__()
            self.target = target_url.rstrip("/")

        def send(self, request, **kwargs):
            parts = urlsplit(request.url)
            refused = foreign_path(api_for_url(request.url), parts.path or "/")
            if refused:
                status, body = refused
                content = json.dumps(body).encode()
                return _response(request, status, "Not Found", [("Content-Type", "application/json")], content, self)
            forwarded = request.copy()
            forwarded.url = self.target + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            response = super().send(forwarded, **kwargs)
            response.url = request.url
            response.request = request
            return response

    return WSGIAdapter, ForwardingAdapter


# ---------------------------------------------------------------------- httpx
def _forwarded(request, target):
    """``request`` rewritten for an external mock at ``target`` (an ``httpx.URL``):
    (url, headers); the body is the caller's to read, sync or async."""
    url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port)
    return url, [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]


def _refused(request):
    """An ``httpx.Response`` for a path the real host's API lacks, or None."""
    import httpx

    refused = foreign_path(HOSTS.get(request.url.host.lower()), request.url.path)
    return httpx.Response(refused[0], json=refused[1], request=request) if refused else None


def _httpx_transport(target):
    import httpx

    if not isinstance(target, str):
        return httpx.WSGITransport(app=HostGuard(target))

    class ForwardingTransport(httpx.BaseTransport):
        """Sends the call to the same path on an external mock's URL."""

        def __init__(self, target_url: str):
            self.target = httpx.URL(target_url.rstrip("/") + "/")
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request):
            refused = _refused(request)
            if refused is not None:
                return refused
            url, headers = _forwarded(request, self.target)
            response = self.inner.handle_request(httpx.Request(request.method, url, headers=headers, content=request.read()))
            return httpx.Response(
                response.status_code, headers=response.headers, stream=response.stream,
                request=request, extensions=response.extensions,
            )

        def close(self):
            self.inner.close()

    return ForwardingTransport(target)


def _httpx_async_transport(target):
    import anyio
    import httpx

    if isinstance(target, str):

        class AsyncForwardingTransport(httpx.AsyncBaseTransport):
            """Sends the call to the same path on an external mock's URL."""

            def __init__(self, target_url: str):
                self.target = httpx.URL(target_url.rstrip("/") + "/")
                # no pooled connections: they would belong to one event loop, and an
                # interceptor outlives loops; and nothing is left open at stop
                self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

            async def handle_async_request(self, request):
                refused = _refused(request)
                if refused is not None:
                    return refused
                url, headers = _forwarded(request, self.target)
                forwarded = httpx.Request(request.method, url, headers=headers, content=await request.aread())
                response = await self.inner.handle_async_request(forwarded)
                return httpx.Response(
                    response.status_code, headers=response.headers, stream=response.stream,
                    request=request, extensions=response.extensions,
                )

            async def aclose(self):
                await self.inner.aclose()

        return AsyncForwardingTransport(target)

    class AsyncWSGITransport(httpx.AsyncBaseTransport):
        """httpx's WSGI transport for ``AsyncClient``, which httpx itself lacks.

        The app runs in a worker thread, as under a threaded server: a slow
        answer (a delay fault) never blocks the event loop."""

        def __init__(self, app):
            self.inner = httpx.WSGITransport(app=HostGuard(app))

        def _call(self, request):
            response = self.inner.handle_request(request)
            return response.status_code, response.headers, response.read(), response.extensions

        async def handle_async_request(self, request):
            body = await request.aread()
            sync_request = httpx.Request(request.method, request.url, headers=request.headers, content=body,
                                         extensions=request.extensions)
            status, headers, content, extensions = await anyio.to_thread.run_sync(self._call, sync_request)
            return httpx.Response(status, headers=headers, content=content, request=request, extensions=extensions)

    return AsyncWSGITransport(target)


# ---------------------------------------------------------------------- activation
_active: list["Interceptor"] = []
_patch_lock = threading.Lock()
_originals: dict[str, object] = {}


def _install_patches() -> None:
    """Route through the innermost active interceptor; done once, undone when none is left."""
    import requests

    _originals["get_adapter"] = requests.Session.get_adapter

    def get_adapter(session, url):
        for interceptor in reversed(_active):
            adapter = interceptor.requests_adapter_for(url)
            if adapter is not None:
                return adapter
        return _originals["get_adapter"](session, url)

    requests.Session.get_adapter = get_adapter

    # ``requests`` reads the proxy variables (and the no_proxy list) from the
    # environment on every call, a third of an in-process call's time. A call
    # an in-process interceptor takes never leaves the process, so no proxy
    # applies to it: only for those URLs, merge the session's settings alone.
    # (.netrc credentials are still looked up: they change the request.)
    _originals["merge_environment_settings"] = requests.Session.merge_environment_settings

    def merge_environment_settings(session, url, proxies, stream, verify, cert):
        if session.trust_env and _in_process_for(url):
            return {
                # what ``requests.sessions.merge_setting`` gives for these, without its
                # per-call Protocol checks (a tenth of an in-process call)
                "proxies": {k: v for k, v in {**(session.proxies or {}), **(proxies or {})}.items() if v is not None},
                "stream": session.stream if stream is None else stream,
                "verify": session.verify if verify is None else verify,
                "cert": session.cert if cert is None else cert,
            }
        return _originals["merge_environment_settings"](session, url, proxies, stream, verify, cert)

    requests.Session.merge_environment_settings = merge_environment_settings

    try:
        import httpx
    except ImportError:
        return
    _originals["httpx_init"] = httpx.Client.__init__
    _originals["httpx_async_init"] = httpx.AsyncClient.__init__

    def client_init(client, *args, mounts=None, **kwargs):
        ours = _active[-1].httpx_mounts() if _active else {}
        _originals["httpx_init"](client, *args, mounts={**(mounts or {}), **ours}, **kwargs)

    def async_client_init(client, *args, mounts=None, **kwargs):
        ours = _active[-1].httpx_mounts(asynchronous=True) if _active else {}
        _originals["httpx_async_init"](client, *args, mounts={**(mounts or {}), **ours}, **kwargs)

    httpx.Client.__init__ = client_init
    httpx.AsyncClient.__init__ = async_client_init


def _in_process_for(url: str) -> bool:
    """Whether the interceptor that takes ``url`` (if any) calls the app in process."""
    active = _active[-1:]  # the innermost one takes every real base URL
    return bool(active) and active[0].in_process and api_for_url(url) is not None


def _remove_patches() -> None:
    import requests

    requests.Session.get_adapter = _originals.pop("get_adapter")
    requests.Session.merge_environment_settings = _originals.pop("merge_environment_settings")
    if "httpx_init" in _originals:
        import httpx

        httpx.Client.__init__ = _originals.pop("httpx_init")
        httpx.AsyncClient.__init__ = _originals.pop("httpx_async_init")


class Interceptor:
    """Routes the real base URLs to ``target``: a WSGI app (in-process) or a mock's URL."""

    def __init__(self, target):
        self.target = target.rstrip("/") if isinstance(target, str) else target
        self._requests_adapter = None
        self._httpx_transport = None
        self._httpx_async_transport = None

    @property
    def in_process(self) -> bool:
        return not isinstance(self.target, str)

    def requests_adapter_for(self, url: str):
        if api_for_url(url) is None:
            return None
        if self._requests_adapter is None:
            wsgi_adapter, forwarding_adapter = _requests_adapters()
            self._requests_adapter = wsgi_adapter(self.target) if self.in_process else forwarding_adapter(self.target)
        return self._requests_adapter

    def httpx_mounts(self, *, asynchronous: bool = False) -> dict:
        """The transports to mount on an ``httpx.Client`` (or, asynchronous, an ``AsyncClient``)."""
        if asynchronous:
            if self._httpx_async_transport is None:
                self._httpx_async_transport = _httpx_async_transport(self.target)
            transport = self._httpx_async_transport
        else:
            if self._httpx_transport is None:
                self._httpx_transport = _httpx_transport(self.target)
            transport = self._httpx_transport
        return {f"https://{host}": transport for host in HOSTS}

    def start(self) -> "Interceptor":
        with _patch_lock:
            if not _active:
                _install_patches()
            _active.append(self)
        return self

    def stop(self) -> None:
        with _patch_lock:
            if self in _active:
                _active.remove(self)
                if not _active:
                    _remove_patches()
        # close pooled connections to an external mock, so it can stop at once
        for transport in (self._requests_adapter, self._httpx_transport):
            if transport is not None:
                transport.close()

    def __enter__(self) -> "Interceptor":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def intercept(app_or_url) -> Interceptor:
    """A context manager: ``with intercept(create_app()):`` or ``with intercept("http://127.0.0.1:8080"):``."""
    return Interceptor(app_or_url)
