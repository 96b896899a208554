"""Route the real Navixy and Dellin base URLs to a mock, for ``requests`` and ``httpx``.

While an interceptor is active, calls to ``https://api.eu.navixy.com``,
``https://api.us.navixy.com`` and ``https://api.dellin.ru`` reach the mock:

- given a WSGI app (``mockserver.create_app()``), in-process, without sockets:
  a ``requests`` transport adapter that calls the app, a transport mounted
  for those hosts on an ``httpx.Client``, and on an ``httpx.AsyncClient`` the
  same call run in a worker thread. The client's read timeout bounds a delay
  fault, and a dropped connection raises what the library raises over a
  socket (``WSGICall``);
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
    return api_for_host(parts.hostname or "")


@lru_cache(maxsize=256)
def api_for_host(host: str) -> str | None:
    """The API a host name belongs to; also given a Host header or a netloc
    (``[user@]host[:port]``). ``api.dellin.ru.``, the same name written as a
    fully qualified one, is the same host."""
    host = host.rpartition("@")[2]
    if not host.startswith("["):  # an IPv6 literal is none of ours
        host = host.partition(":")[0]
    host = host.lower()
    return HOSTS.get(host[:-1] if host.endswith(".") else host)


def foreign_path(api: str | None, path: str) -> tuple[int, dict] | None:
    """A 404 (status, body) in the API's envelope for a path that API does not have.

    For an external mock, answered here: sent on, such a call would reach the
    other API. (In process, the app answers it itself: see ``HostGuard``.) The
    rule is the app's own: the API a path belongs to must be the host's."""
    from mockserver.clock import Clock
    from mockserver.errors import profile_for
    from mockserver.web import api_for_path

    if api is None or api_for_path(path) == api:
        return None
    error = profile_for(api).not_found("", path)
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
        api = api_for_host(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        if api is not None:
            environ[self.environ_key] = api
        return self.app(environ, start_response)


# ---------------------------------------------------------------------- the app, called as a server would
@lru_cache(maxsize=256)
def _environ_key(header: str) -> str | None:
    """The WSGI environ key of a header; None for those the environ gets elsewhere.

    Transfer-Encoding is left out as a server leaves it out: it has read a
    chunked body whole, and declares its length (waitress does the same)."""
    key = header.upper().replace("-", "_")
    if key == "CONTENT_TYPE":
        return key
    return None if key in ("CONTENT_LENGTH", "HOST", "TRANSFER_ENCODING") else "HTTP_" + key


def _wsgi_environ(method: str, url: str, header_items, body: bytes) -> dict:
    """The environ a server builds for this request, given its headers as (name, value) text."""
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


class _GaveUp(Exception):
    """The client's read timeout passed before the answer came."""


class _Dropped(Exception):
    """The app closed the connection without answering."""


class WSGICall:
    """Calls a WSGI app for one request as a server would, for a client
    library's transport: the one core behind the ``requests`` adapter and the
    ``httpx`` transports.

    A call returns (status code, reason, headers, body) or raises ``_GaveUp``
    (a delay outlasted the client's read timeout; the app still finished the
    call, as a server does when its client has gone) or ``_Dropped`` (the app
    closed the connection without answering). Each transport turns these into
    its library's own exceptions, those it raises over a socket."""

    def __init__(self, app):
        from mockserver.fault_injection import CLIENT_GAVE_UP_ENVIRON, CLIENT_READ_TIMEOUT_ENVIRON, ConnectionDropped

        self.app = HostGuard(app)
        self.read_timeout_key = CLIENT_READ_TIMEOUT_ENVIRON
        self.gave_up_key = CLIENT_GAVE_UP_ENVIRON
        self.dropped = ConnectionDropped

    def __call__(self, method: str, url: str, header_items, body: bytes, read_timeout: float | None):
        environ = _wsgi_environ(method, url, header_items, body)
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
            raise _GaveUp(read_timeout)
        if content is None:
            raise _Dropped()
        status, response_headers = captured
        code, _, reason = status.partition(" ")
        return int(code), reason, response_headers, content


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


def _requests_read_timeout(timeout) -> float | None:
    """The read timeout in a ``requests`` ``timeout`` (a number, a (connect, read)
    pair or a urllib3 ``Timeout``), resolved and checked as ``HTTPAdapter.send`` does."""
    if timeout is None:
        return None
    from urllib3.util import Timeout

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


def _forwarded_url(target: str, url: str) -> str:
    """``url`` (a real base URL) on an external mock at ``target``: the same path and query."""
    parts = urlsplit(url)
    return target + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _requests_adapters():
    """The two adapter classes, built on first use so importing this module stays light."""
    from http.client import RemoteDisconnected

    import requests
    from requests.adapters import BaseAdapter, HTTPAdapter
    from requests.structures import CaseInsensitiveDict
    from requests.utils import get_encoding_from_headers
    from urllib3.exceptions import ProtocolError

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
            self.call = WSGICall(app)

        def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
            read_timeout = _requests_read_timeout(timeout)
            try:
                status, reason, headers, content = self.call(
                    request.method, request.url, request.headers.lower_items(), _body_bytes(request.body), read_timeout)
            except _GaveUp:
                # the words urllib3 uses for a socket that timed out
                parts = urlsplit(request.url)
                raise requests.exceptions.ReadTimeout(
                    f"HTTPSConnectionPool(host={parts.hostname!r}, port={parts.port or 443}): "
                    f"Read timed out. (read timeout={read_timeout})", request=request) from None
            except _Dropped:
                closed = RemoteDisconnected("Remote end closed connection without response")
                raise requests.exceptions.ConnectionError(
                    ProtocolError("Connection aborted.", closed), request=request) from None
            return _response(request, status, reason, headers, content, self)

        def close(self):
            pass

    class ForwardingAdapter(HTTPAdapter):
        """Sends the call to the same path on an external mock's URL."""

        def __init__(self, target_url: str):
            super().__init__()
            self.target = target_url.rstrip("/")

        def send(self, request, **kwargs):
            refused = foreign_path(api_for_url(request.url), urlsplit(request.url).path or "/")
            if refused:
                status, body = refused
                content = json.dumps(body).encode()
                return _response(request, status, "Not Found", [("Content-Type", "application/json")], content, self)
            forwarded = request.copy()
            forwarded.url = _forwarded_url(self.target, request.url)
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

    refused = foreign_path(api_for_host(request.url.host), request.url.path)
    return httpx.Response(refused[0], json=refused[1], request=request) if refused else None


def _httpx_answer(call: WSGICall, request, body: bytes):
    """The app's answer to an ``httpx`` request (its body already read) as an
    ``httpx.Response``, or the exception httpx raises over a socket."""
    import httpx

    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
    try:
        status, reason, response_headers, content = call(
            request.method, str(request.url), headers, body, request.extensions.get("timeout", {}).get("read"))
    except _GaveUp:
        raise httpx.ReadTimeout("The read operation timed out", request=request) from None
    except _Dropped:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request) from None
    return httpx.Response(
        status,
        headers=[(name.encode("latin-1"), value.encode("latin-1")) for name, value in response_headers],
        stream=httpx.ByteStream(content),
        request=request,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("latin-1")},
    )


def _httpx_transport(target):
    import httpx

    if not isinstance(target, str):

        class WSGITransport(httpx.BaseTransport):
            """Calls the app in process for an ``httpx.Client``. (httpx's own
            WSGI transport gives the app no length for a chunked body, so
            the app reads none.)"""

            def __init__(self, app):
                self.call = WSGICall(app)

            def handle_request(self, request):
                return _httpx_answer(self.call, request, request.read())

        return WSGITransport(target)

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
            # the extensions carry the client's timeouts
            forwarded = httpx.Request(request.method, url, headers=headers, content=request.read(),
                                      extensions=request.extensions)
            response = self.inner.handle_request(forwarded)
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
                # the extensions carry the client's timeouts
                forwarded = httpx.Request(request.method, url, headers=headers, content=await request.aread(),
                                          extensions=request.extensions)
                response = await self.inner.handle_async_request(forwarded)
                return httpx.Response(
                    response.status_code, headers=response.headers, stream=response.stream,
                    request=request, extensions=response.extensions,
                )

            async def aclose(self):
                await self.inner.aclose()

        return AsyncForwardingTransport(target)

    class AsyncWSGITransport(httpx.AsyncBaseTransport):
        """Calls the app for an ``httpx.AsyncClient``, in a worker thread as
        under a threaded server: a slow answer (a delay fault) never blocks
        the event loop."""

        def __init__(self, app):
            self.call = WSGICall(app)

        async def handle_async_request(self, request):
            body = await request.aread()
            return await anyio.to_thread.run_sync(_httpx_answer, self.call, request, body)

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
    # (.netrc credentials are still looked up: they change the request.) A
    # call sent on to an external mock goes where that mock is: the proxy
    # variables and no_proxy apply to the mock's URL, not the real one.
    _originals["merge_environment_settings"] = requests.Session.merge_environment_settings

    def merge_environment_settings(session, url, proxies, stream, verify, cert):
        interceptor = _interceptor_for(url)
        if interceptor is not None and not interceptor.in_process:
            url = _forwarded_url(interceptor.target, url)
        elif interceptor is not None and session.trust_env:
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


def _interceptor_for(url: str) -> "Interceptor | None":
    """The interceptor that takes ``url``, if any: the innermost one takes every real base URL."""
    return _active[-1] if _active and api_for_url(url) is not None else None


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
        # each host also written as a fully qualified name ("api.dellin.ru.")
        return {f"https://{host}{dot}": transport for host in HOSTS for dot in ("", ".")}

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
