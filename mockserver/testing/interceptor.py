"""Route ``requests`` and ``httpx`` calls to a mock, without touching the code that makes them.

While an interceptor is active, calls to the real base URLs
(``https://api.eu.navixy.com``, ``https://api.us.navixy.com``,
``https://api.dellin.ru``: see ``hosts``) reach the mock:

- given a WSGI app (``mockserver.create_app()``), in process, without
  sockets, as a server on a socket would answer them (``wsgi_call``);
- given a URL (an external ``mockserver serve``), over HTTP to that URL;
  for an HTTPS one, its certificate is checked against ``ca_bundle`` (the
  client's own setting was made for the real host, not for the mock).

Given ``origins`` (a mock's own URL, such as ``http://127.0.0.1:8080``), an
in-process interceptor takes the calls to those too: the ``mock`` fixture
answers its own URL in process this way, while other clients still reach it
over the socket.

One patch point per library, the one ``responses``, ``respx`` and
``aioresponses`` use: ``requests.adapters.HTTPAdapter.send``,
``httpx.HTTPTransport.handle_request``,
``httpx.AsyncHTTPTransport.handle_async_request`` and, for aiohttp, which has
no public one, ``ClientSession._request`` (see ``aiohttp_transport``: aiohttp
calls go over a loopback socket). So sessions and clients made before
interception starts are routed too, and every other call goes on to the
library's own code unchanged. Usage outside pytest::

    from mockserver import create_app
    from mockserver.testing import intercept

    with intercept(create_app()):
        requests.post("https://api.eu.navixy.com/v2/user/session/delivery/read", json={...})
"""
from __future__ import annotations

import sys
import threading
from urllib.parse import urlsplit

from .hosts import HOSTS, api_for_url, foreign_path
from .wsgi_call import WSGICall, forwarded_url

__all__ = ["HOSTS", "Interceptor", "intercept", "api_for_url"]

# the active interceptors, innermost last; replaced whole, so readers need no lock
_active: tuple["Interceptor", ...] = ()
_lock = threading.Lock()
_originals: dict[str, object] = {}


def _taker(url: str) -> "Interceptor | None":
    for interceptor in reversed(_active):
        if interceptor.takes(url):
            return interceptor
    return None


class HostRefused(ConnectionError):
    """An active interceptor keeps calls on this machine, and this one was for another host."""


def _refusal(url: str) -> str | None:
    """Why a call to ``url``, which no interceptor takes, must not be sent: an
    active interceptor refuses other hosts, and ``url`` leaves this machine."""
    if not any(not interceptor.other_hosts for interceptor in _active):
        return None
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host == "::1" or host.startswith("127."):
        return None  # the mock, receivers and other local services
    return f"{url}: the interceptor refuses calls to hosts other than the mocked ones (other_hosts=False)"


def _patch_requests() -> None:
    from requests.adapters import HTTPAdapter

    original_send = _originals["requests"] = HTTPAdapter.send

    def send(adapter, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        interceptor = _taker(request.url)
        if interceptor is None:
            refused = _refusal(request.url)
            if refused:
                from requests.exceptions import ConnectionError as RequestsConnectionError

                raise RequestsConnectionError(HostRefused(refused), request=request)
            return original_send(adapter, request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                                 proxies=proxies)
        return interceptor.send_requests(adapter, request, stream=stream, timeout=timeout, verify=verify,
                                         cert=cert, proxies=proxies)

    HTTPAdapter.send = send


def _patch_httpx() -> None:
    import httpx

    original_handle = _originals["httpx"] = httpx.HTTPTransport.handle_request
    original_async_handle = _originals["httpx_async"] = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(transport, request):
        interceptor = _taker(str(request.url))
        if interceptor is None:
            _refuse_httpx(request)
            return original_handle(transport, request)
        return interceptor.send_httpx(request)

    async def handle_async_request(transport, request):
        interceptor = _taker(str(request.url))
        if interceptor is None:
            _refuse_httpx(request)
            return await original_async_handle(transport, request)
        return await interceptor.send_httpx_async(request)

    httpx.HTTPTransport.handle_request = handle_request
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request


def _refuse_httpx(request) -> None:
    refused = _refusal(str(request.url))
    if refused:
        import httpx

        raise httpx.ConnectError(refused, request=request)


def _install_patches(interceptor: "Interceptor") -> None:
    """What ``interceptor`` needs, on top of what is patched already.

    httpx and aiohttp are imported for an interceptor of the real hosts,
    which must never let a call through to them. One that takes only a mock's
    own URL patches httpx only if it is imported already: a call it misses
    still reaches the mock, over its socket, and a suite that does not use
    httpx does not pay for importing it. (aiohttp reaches a mock's own URL
    over its socket anyway.)"""
    if "requests" not in _originals:
        _patch_requests()
    if "httpx" not in _originals and (interceptor.hosts or "httpx" in sys.modules):
        try:
            _patch_httpx()
        except ImportError:
            pass
    if "aiohttp" not in _originals and interceptor.hosts:
        try:
            from . import aiohttp_transport

            aiohttp_transport.patch(_taker_of_real_hosts, _refusal)
            _originals["aiohttp"] = True
        except ImportError:
            pass


def _taker_of_real_hosts(url: str) -> "Interceptor | None":
    """The interceptor of a real base URL (aiohttp reaches a mock's own URL as it is)."""
    interceptor = _taker(url)
    return interceptor if interceptor is not None and api_for_url(url) is not None else None


def _remove_patches() -> None:
    if "requests" in _originals:
        from requests.adapters import HTTPAdapter

        HTTPAdapter.send = _originals.pop("requests")
    if "httpx" in _originals:
        import httpx

        httpx.HTTPTransport.handle_request = _originals.pop("httpx")
        httpx.AsyncHTTPTransport.handle_async_request = _originals.pop("httpx_async")
    if _originals.pop("aiohttp", None):
        from . import aiohttp_transport

        aiohttp_transport.unpatch()


class Interceptor:
    """Routes the real base URLs (``hosts=True``) and any ``origins`` to
    ``target``: a WSGI app (in process) or a mock's URL (real base URLs only),
    whose certificate, over HTTPS, is checked against ``ca_bundle`` (a PEM file)."""

    def __init__(self, target, *, hosts: bool = True, origins=(), other_hosts: bool = True,
                 ca_bundle: str | None = None):
        self.target = target.rstrip("/") if isinstance(target, str) else target
        self.hosts = hosts
        # False: a call to any other host that is not on this machine raises
        # the library's connection error instead of leaving
        self.other_hosts = other_hosts
        self.origins = tuple(origin.rstrip("/") for origin in origins)
        if self.origins and not self.in_process:
            raise ValueError("only an in-process interceptor takes a mock's own URL")
        if ca_bundle and self.in_process:
            raise ValueError("ca_bundle verifies a mock's URL; an in-process interceptor opens no connection")
        self.ca_bundle = ca_bundle
        self._call = None
        self._requests_forwarder = None
        self._httpx_forwarder = None
        self._httpx_async_forwarder = None
        self._loopback = None
        self._aiohttp_ssl = None

    @property
    def in_process(self) -> bool:
        return not isinstance(self.target, str)

    @property
    def call(self) -> WSGICall:
        if self._call is None:
            self._call = WSGICall(self.target)
        return self._call

    def takes(self, url: str) -> bool:
        for origin in self.origins:
            if url.startswith(origin) and url[len(origin): len(origin) + 1] in ("", "/", "?"):
                return True
        return self.hosts and api_for_url(url) is not None

    # ------------------------------------------------------------ requests
    def send_requests(self, adapter, request, *, stream, timeout, verify, cert, proxies):
        from . import requests_transport

        if self.in_process:
            return requests_transport.send_in_process(self.call, adapter, request, timeout)
        refused = foreign_path(api_for_url(request.url), urlsplit(request.url).path or "/")
        if refused:
            return requests_transport.json_answer(adapter, request, *refused)
        sent = request.copy()
        sent.url = forwarded_url(self.target, request.url)
        if self._requests_forwarder is None:
            from requests.adapters import HTTPAdapter

            self._requests_forwarder = HTTPAdapter()
        if self.ca_bundle and verify is not False:
            verify = self.ca_bundle
        response = _originals["requests"](self._requests_forwarder, sent, stream=stream, timeout=timeout,
                                          verify=verify, cert=cert, proxies=_proxies_for(sent.url, proxies))
        response.url = request.url
        response.request = request
        return response

    # ------------------------------------------------------------ httpx
    def send_httpx(self, request):
        from . import httpx_transport

        if self.in_process:
            return httpx_transport.answer_in_process(self.call, request, request.read())
        refused = httpx_transport.refused(request)
        if refused is not None:
            return refused
        if self._httpx_forwarder is None:
            import httpx

            self._httpx_forwarder = httpx.HTTPTransport(verify=self._verify())
        sent = httpx_transport.forwarded(request, self._httpx_target(), request.read())
        return httpx_transport.answered_for(request, _originals["httpx"](self._httpx_forwarder, sent))

    async def send_httpx_async(self, request):
        from . import httpx_transport

        if self.in_process:
            return await httpx_transport.answer_in_process_async(self.call, request)
        refused = httpx_transport.refused(request)
        if refused is not None:
            return refused
        if self._httpx_async_forwarder is None:
            import httpx

            # no pooled connections: they would belong to one event loop, and an
            # interceptor outlives loops; and nothing is left open at stop
            self._httpx_async_forwarder = httpx.AsyncHTTPTransport(
                verify=self._verify(), limits=httpx.Limits(max_keepalive_connections=0))
        sent = httpx_transport.forwarded(request, self._httpx_target(), await request.aread())
        answer = await _originals["httpx_async"](self._httpx_async_forwarder, sent)
        return httpx_transport.answered_for(request, answer)

    def _verify(self):
        """What httpx verifies a forwarded call with: the mock's CA, else its default."""
        from .ca_bundle import verifying_context

        return verifying_context(self.ca_bundle) or True

    def _httpx_target(self):
        import httpx

        return httpx.URL(self.target + "/")

    # ------------------------------------------------------------ aiohttp
    def aiohttp_route(self, url, headers):
        """Where an aiohttp call to ``url`` goes, with which headers, and the SSL
        context that checks the mock's certificate (None: aiohttp's own)."""
        from . import aiohttp_transport
        from .ca_bundle import verifying_context

        if self.in_process:
            if self._loopback is None:
                self._loopback = aiohttp_transport.LoopbackServer(self.target)
            return (*aiohttp_transport.routed(self._loopback.url, url, headers), None)
        if self._aiohttp_ssl is None and self.ca_bundle:
            self._aiohttp_ssl = verifying_context(self.ca_bundle)
        return (*aiohttp_transport.routed(self.target, url, headers), self._aiohttp_ssl)

    # ------------------------------------------------------------ activation
    def start(self) -> "Interceptor":
        global _active
        with _lock:
            _install_patches(self)
            _active = _active + (self,)
        return self

    def stop(self) -> None:
        global _active
        with _lock:
            if self in _active:
                _active = tuple(i for i in _active if i is not self)
                if not _active:
                    _remove_patches()
        # close pooled connections to an external mock, so it can stop at once
        for forwarder in (self._requests_forwarder, self._httpx_forwarder):
            if forwarder is not None:
                forwarder.close()
        self._requests_forwarder = self._httpx_forwarder = None
        if self._loopback is not None:
            self._loopback.stop()
            self._loopback = None

    def __enter__(self) -> "Interceptor":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _proxies_for(url: str, proxies):
    """The proxies ``requests`` would use for ``url``: the session resolved them
    for the real URL, and ``no_proxy`` may list the mock's own host."""
    from requests.utils import should_bypass_proxies

    if proxies and should_bypass_proxies(url, no_proxy=proxies.get("no")):
        return {}
    return proxies


def intercept(app_or_url, *, other_hosts: bool = True, ca_bundle: str | None = None) -> Interceptor:
    """A context manager: ``with intercept(create_app()):`` or ``with intercept("http://127.0.0.1:8080"):``.

    ``other_hosts=False`` refuses calls to hosts other than the mocked ones
    and this machine's, with the client library's own connection error.
    ``ca_bundle``: the CA (a PEM file) of a mock served over HTTPS at ``app_or_url``."""
    return Interceptor(app_or_url, other_hosts=other_hosts, ca_bundle=ca_bundle)
