"""POSTing one notification and saying how it went.

Outcomes: a 2xx answer is a success; any other status, a refused connection,
a DNS error, a TLS error, a timeout or another connection error is a failure
with an error kind. Redirects are never followed (a 3xx is a failure).
"""
from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy

import requests
import urllib3
from requests.adapters import HTTPAdapter

from .notification import CONTENT_TYPE, USER_AGENT

# error kinds, as they appear in the delivery log
HTTP_STATUS = "http_status"
TIMEOUT = "timeout"
CONNECTION_REFUSED = "connection_refused"
DNS_ERROR = "dns_error"
TLS_ERROR = "tls_error"
CONNECTION_ERROR = "connection_error"
INVALID_URL = "invalid_url"
ERROR_KINDS = (HTTP_STATUS, TIMEOUT, CONNECTION_REFUSED, DNS_ERROR, TLS_ERROR, CONNECTION_ERROR, INVALID_URL)

# a receiver's answer body is drained (so the connection can be reused) only when small
_DRAIN_LIMIT = 64 * 1024
_TEMPLATE_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str | None = None  # one of ERROR_KINDS on failure
    detail: str | None = None  # a short human explanation
    fault: int | None = None  # the fault rule that simulated this failure

    @classmethod
    def from_status(cls, status: int) -> "Outcome":
        if 200 <= status < 300:
            return cls(True, status)
        detail = f"HTTP {status}"
        if 300 <= status < 400:
            detail += " (redirects are not followed)"
        return cls(False, status, HTTP_STATUS, detail)

    @classmethod
    def from_fault(cls, rule: dict) -> "Outcome":
        if rule.get("timeout"):
            return cls(False, None, TIMEOUT, "simulated by a fault rule", rule.get("fault"))
        status = int(rule.get("status", 500))
        return cls(False, status, HTTP_STATUS, f"HTTP {status}, simulated by a fault rule", rule.get("fault"))


class WebhookSender:
    """One ``requests.Session`` (pooled connections) shared by the delivery threads.

    The session ignores the environment (proxies, ``REQUESTS_CA_BUNDLE``) and
    keeps no cookies: what a delivery does depends on the mock's config only.
    """

    def __init__(self, config, *, pool_size: int = 16):
        # one budget for connecting and for the answer's headers together, as
        # "an answer within 5 s" means (a (connect, read) pair would allow twice that)
        self.timeout = urllib3.Timeout(total=float(config.webhook_timeout_seconds))
        self.verify = config.webhook_ca_bundle or True
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        session.headers = {"User-Agent": USER_AGENT, "Content-Type": CONTENT_TYPE, "Accept": "*/*"}
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._session = session
        self._templates: dict[str, requests.PreparedRequest] = {}
        self._templates_lock = threading.Lock()

    def _template(self, url: str) -> requests.PreparedRequest:
        # preparing a URL (parsing, IDNA) costs more than the rest of an attempt
        template = self._templates.get(url)
        if template is None:
            template = self._session.prepare_request(requests.Request("POST", url, data=b""))
            with self._templates_lock:
                if len(self._templates) >= _TEMPLATE_CACHE_SIZE:
                    self._templates.clear()
                self._templates[url] = template
        return template

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
        try:
            prepared = self._template(url).copy()
            prepared.headers.update(headers)
            prepared.body = body
            prepared.headers["Content-Length"] = str(len(body))
            adapter = self._session.get_adapter(prepared.url)
            # the adapter never follows redirects: the 3xx itself is the answer
            response = adapter.send(prepared, stream=True, timeout=self.timeout, verify=self.verify)
        except Exception as exc:  # every way a delivery can go wrong is an outcome, never a crash
            causes = _causes(exc)
            return Outcome(False, None, classify(exc, causes), _short(exc, causes))
        try:
            _drain(response)
        finally:
            response.close()
        return Outcome.from_status(response.status_code)

    def close(self) -> None:
        self._session.close()


def _drain(response) -> None:
    length = response.headers.get("Content-Length")
    if length is None or not length.isdigit() or int(length) > _DRAIN_LIMIT:
        return
    try:
        response.raw.read(int(length) + 1, decode_content=False)
    except Exception:
        # the status already arrived; a broken body does not change the outcome
        pass


def classify(exc: BaseException, causes: list[BaseException] | None = None) -> str:
    """The error kind of an exception raised while sending."""
    if isinstance(exc, requests.exceptions.SSLError):
        return TLS_ERROR
    if isinstance(exc, requests.exceptions.Timeout):
        return TIMEOUT
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.URLRequired)):
        return INVALID_URL
    causes = causes if causes is not None else _causes(exc)
    if any(isinstance(c, (urllib3.exceptions.NameResolutionError, socket.gaierror)) for c in causes):
        return DNS_ERROR
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return CONNECTION_REFUSED
    if any(isinstance(c, (ssl.SSLError, urllib3.exceptions.SSLError)) for c in causes):
        return TLS_ERROR
    if any(isinstance(c, (TimeoutError, socket.timeout, urllib3.exceptions.TimeoutError)) for c in causes):
        return TIMEOUT
    return CONNECTION_ERROR


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (args, ``reason``, cause, context), each once."""
    found: list[BaseException] = []
    seen: set[int] = set()
    todo = [exc]
    while todo and len(found) < 32:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        todo += [getattr(current, "reason", None), current.__cause__, current.__context__]
        todo += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
    return found


def _short(exc: BaseException, causes: list[BaseException]) -> str:
    # the operating system's word says it best ("[Errno 111] Connection refused")
    system = [c for c in causes if isinstance(c, OSError) and c.errno is not None]
    chosen = system[-1] if system else exc
    text = str(chosen) or type(chosen).__name__
    return text if len(text) <= 200 else text[:197] + "..."
