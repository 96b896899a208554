"""POSTing one notification and saying how it went.

Outcomes: a 2xx answer is a success; any other status, a refused connection,
a DNS error, a TLS error, a timeout or another connection error is a failure
with an error kind. Redirects are never followed (a 3xx is a failure).

The timeout is a deadline for the whole attempt, not urllib3's per-read
timeout (which a receiver trickling one byte a second never trips): one shared
watchdog thread shuts the attempt's socket down when the deadline passes, which
ends any blocked TLS handshake, send or receive at once.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

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
# how late past its deadline an attempt may be cut: the watchdog sweeps at most
# this often, so a busy sender does not wake it once per finished attempt
_WATCHDOG_TICK_SECONDS = 0.02


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


class _Deadline:
    """One attempt's deadline and the socket it guards (a duplicate descriptor,
    so shutting it down reaches the connection even mid-TLS-handshake, when
    urllib3's own socket object has already been handed to the ssl module)."""

    __slots__ = ("at", "cut", "guard", "done")

    def __init__(self, at: float):
        self.at = at
        self.cut = False  # set once the watchdog has ended the attempt
        self.guard: socket.socket | None = None
        self.done = False  # the attempt finished: nothing left to cut


class _Watchdog:
    """One timer thread and one heap for every attempt's deadline.

    A finished attempt's entry stays in the heap (marked done) until its time
    comes: cheaper than removing it, and the heap holds at most one budget's
    worth of attempts.
    """

    def __init__(self):
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def start(self, budget: float) -> _Deadline:
        # real elapsed time, not the mock's clock: this bounds a real network wait
        deadline = _Deadline(time.monotonic() + budget)
        with self._lock:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="webhook-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._lock.notify()
        return deadline

    def watch(self, deadline: _Deadline, sock) -> None:
        """Guard ``sock`` until the attempt finishes; cut it now if the deadline already passed."""
        with self._lock:
            if deadline.done or deadline.guard is not None:
                return  # an attempt uses one connection: the first socket is the one
            deadline.guard = socket.fromfd(sock.fileno(), sock.family, sock.type)
            if deadline.cut:
                _shut(deadline.guard)

    def finish(self, deadline: _Deadline) -> None:
        with self._lock:
            deadline.done = True
            guard, deadline.guard = deadline.guard, None
        if guard is not None:
            guard.close()

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._heap:
                    self._lock.wait()
                    continue
                now = time.monotonic()
                if self._heap[0][0] > now:
                    self._lock.wait(max(self._heap[0][0] - now, _WATCHDOG_TICK_SECONDS))
                    continue
                while self._heap and self._heap[0][0] <= now:
                    self._expire(heapq.heappop(self._heap)[2])

    @staticmethod
    def _expire(deadline: _Deadline) -> None:
        if deadline.done:
            return
        deadline.cut = True
        if deadline.guard is not None:
            _shut(deadline.guard)


def _shut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a thread blocked on the connection, and the
    # descriptor stays valid until its owner closes it
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the peer


_WATCHDOG = _Watchdog()
_current = threading.local()  # .deadline: the attempt this thread is sending


def _watch_for_current_attempt(sock) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        _WATCHDOG.watch(deadline, sock)


class _DeadlineConnectionMixin:
    """Hands the attempt's socket to the watchdog as soon as there is one: a new
    socket right after the TCP connect (before any TLS handshake), a pooled one
    before the request is written."""

    def _new_conn(self):
        sock = super()._new_conn()
        _watch_for_current_attempt(sock)
        return sock

    def request(self, *args, **kwargs):
        _watch_for_current_attempt(self.sock)
        return super().request(*args, **kwargs)


class _DeadlineHTTPConnection(_DeadlineConnectionMixin, HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineConnectionMixin, HTTPSConnection):
    pass


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class _DeadlineAdapter(HTTPAdapter):
    """An adapter whose pools make connections the watchdog can cut. A cut
    connection is never reused: urllib3 closes a connection whose exchange
    failed, and drops a pooled one the peer (or a shutdown) has closed."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _DeadlineHTTPPool, "https": _DeadlineHTTPSPool}


class WebhookSender:
    """One ``requests.Session`` (pooled connections) shared by the delivery threads.

    The session ignores the environment (proxies, ``REQUESTS_CA_BUNDLE``) and
    keeps no cookies: what a delivery does depends on the mock's config only.
    """

    def __init__(self, config, *, pool_size: int = 16):
        # one budget for connecting and for the answer's headers together, as
        # "an answer within 5 s" means (a (connect, read) pair would allow twice that);
        # urllib3 applies it per read, the watchdog makes it a deadline
        self.budget = float(config.webhook_timeout_seconds)  # unless a send names its own
        self.verify = config.webhook_ca_bundle or True
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        session.headers = {"User-Agent": USER_AGENT, "Content-Type": CONTENT_TYPE, "Accept": "*/*"}
        adapter = _DeadlineAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
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

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Outcome:
        """One attempt, given ``timeout`` seconds (None: the config's budget)."""
        budget = self.budget if timeout is None else float(timeout)
        deadline = _WATCHDOG.start(budget)
        try:
            return self._attempt(url, body, headers, deadline, budget)
        finally:
            _WATCHDOG.finish(deadline)

    def _attempt(self, url: str, body: bytes, headers: dict[str, str], deadline: _Deadline,
                 budget: float) -> Outcome:
        _current.deadline = deadline
        try:
            response = self._post(url, body, headers, budget)
        except Exception as exc:  # every way a delivery can go wrong is an outcome, never a crash
            if deadline.cut:
                return _timed_out(budget)
            causes = _causes(exc)
            return Outcome(False, None, classify(exc, causes), _short(exc, causes))
        finally:
            _current.deadline = None
        try:
            if deadline.cut:  # a cut ends the headers as their blank line would: they may be partial
                return _timed_out(budget)
            _drain(response)  # within what is left of the budget; it cannot change the outcome
        finally:
            response.close()
        return Outcome.from_status(response.status_code)

    def _post(self, url: str, body: bytes, headers: dict[str, str], budget: float):
        """The receiver's answer, its body unread; raises on every failure to get one."""
        prepared = self._template(url).copy()
        prepared.headers.update(headers)
        prepared.body = body
        prepared.headers["Content-Length"] = str(len(body))
        adapter = self._session.get_adapter(prepared.url)
        # the adapter never follows redirects: the 3xx itself is the answer
        return adapter.send(prepared, stream=True, timeout=urllib3.Timeout(total=budget), verify=self.verify)

    def close(self) -> None:
        self._session.close()


def _timed_out(budget: float) -> Outcome:
    return Outcome(False, None, TIMEOUT, f"no complete answer within {budget:g} s")


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
