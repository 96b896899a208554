"""The webhook timeout is a deadline for the whole attempt: a receiver that
trickles its answer a byte at a time is cut off when the budget is spent, over
http and https, and a cut connection is never reused."""
from __future__ import annotations

import socket
import ssl
import threading

import pytest
import trustme

from mockserver.config import MockConfig
from mockserver.delivery.sender import TIMEOUT, WebhookSender

from .helpers import make_app, subscription, trigger

pytestmark = pytest.mark.live

BUDGET = 0.5
BYTE_INTERVAL = 0.1  # a trickled answer lasts many budgets: a cut attempt returns long before it ends
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Pad: " + b"a" * 60 + b"\r\n\r\nok"
STATUS_LINE_END = OK.index(b"\r\n") + 2
# a TLS record header announcing a 16 KiB handshake record: the client waits for all of it
TLS_RECORD = b"\x16\x03\x03\x40\x00" + bytes(80)


class Plan:
    """How one request is answered: ``answer[:fast]`` at once, the rest a byte at a time."""

    def __init__(self, answer: bytes, fast: int | None = None):
        self.answer = answer
        self.fast = len(answer) if fast is None else fast
        self.finished = threading.Event()  # the whole answer went out


class SlowReceiver:
    """A raw-socket receiver answering its n-th request by ``plans[n]`` (the last repeats),
    keeping connections alive. With ``handshake_first``, it answers before reading a request
    (for a fake TLS handshake)."""

    def __init__(self, *plans: Plan, tls: ssl.SSLContext | None = None, handshake_first: bool = False):
        self.plans = list(plans)
        self.tls = tls
        self.handshake_first = handshake_first
        self.connections = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}/hook"

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            sockets = [self._listener, *self._sockets]
        for sock in sockets:  # wakes the threads blocked in accept() or recv()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.connections += 1
                self._sockets.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            while not self._stop.is_set():
                if not self.handshake_first and not self._read_request(conn):
                    return
                if not self._answer(conn, self._next_plan()):
                    return
        except OSError:
            pass  # the client went away: that is what a cut looks like from here
        finally:
            conn.close()

    def _next_plan(self) -> Plan:
        with self._lock:
            plan = self.plans[min(self.requests, len(self.plans) - 1)]
            self.requests += 1
        return plan

    @staticmethod
    def _read_request(conn: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            body += conn.recv(65536)
        return True

    def _answer(self, conn: socket.socket, plan: Plan) -> bool:
        conn.sendall(plan.answer[:plan.fast])
        for i in range(plan.fast, len(plan.answer)):
            if self._stop.wait(BYTE_INTERVAL):
                return False
            conn.sendall(plan.answer[i:i + 1])
        plan.finished.set()
        return True


def sender(**config) -> WebhookSender:
    return WebhookSender(MockConfig(webhook_timeout_seconds=BUDGET, **config))


def send(webhook_sender: WebhookSender, url: str):
    return webhook_sender.send(url, b'{"id": 1}', {"X-Notification-Id": "1"})


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def server_tls(ca) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def ca_bundle(ca, tmp_path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.mark.parametrize("fast", [0, STATUS_LINE_END], ids=["status-line", "headers"])
def test_a_trickled_answer_is_a_timeout_at_the_deadline(fast):
    trickled = Plan(OK, fast=fast)
    with SlowReceiver(trickled) as receiver:
        outcome = send(sender(), receiver.url())
        assert (outcome.ok, outcome.status, outcome.error) == (False, None, TIMEOUT)
        assert not trickled.finished.is_set()  # cut long before the receiver was done


def test_a_trickled_status_line_over_https_is_a_timeout(server_tls, ca_bundle):
    trickled = Plan(OK, fast=0)
    with SlowReceiver(trickled, tls=server_tls) as receiver:
        outcome = send(sender(webhook_ca_bundle=ca_bundle), receiver.url("https"))
        assert (outcome.ok, outcome.error) == (False, TIMEOUT)
        assert not trickled.finished.is_set()


def test_a_trickled_tls_handshake_is_a_timeout():
    trickled = Plan(TLS_RECORD, fast=5)
    with SlowReceiver(trickled, handshake_first=True) as receiver:
        outcome = send(sender(), receiver.url("https"))
        assert (outcome.ok, outcome.error) == (False, TIMEOUT)
        assert not trickled.finished.is_set()


def test_a_prompt_receiver_is_delivered_on_one_pooled_connection():
    with SlowReceiver(Plan(OK)) as receiver:
        webhook_sender = sender()
        outcomes = [send(webhook_sender, receiver.url()) for _ in range(3)]
        assert [(o.ok, o.status) for o in outcomes] == [(True, 200)] * 3
        assert (receiver.requests, receiver.connections) == (3, 1)


def test_a_pooled_connection_is_cut_too_and_never_reused():
    trickled = Plan(OK, fast=STATUS_LINE_END)
    with SlowReceiver(Plan(OK), trickled, Plan(OK)) as receiver:
        webhook_sender = sender()
        assert send(webhook_sender, receiver.url()).ok
        cut = send(webhook_sender, receiver.url())  # on the pooled connection
        assert (cut.ok, cut.error, receiver.connections) == (False, TIMEOUT, 1)
        assert not trickled.finished.is_set()
        later = [send(webhook_sender, receiver.url()) for _ in range(2)]
        assert [(o.ok, o.status) for o in later] == [(True, 200)] * 2
        assert (receiver.requests, receiver.connections) == (4, 2)  # a new connection, then pooled again


def test_a_receiver_that_is_cut_off_is_logged_as_a_timeout():
    trickled = Plan(OK, fast=0)
    with SlowReceiver(trickled) as receiver:
        app, runtime, client = make_app(subscription(2, receiver.url()), webhook_timeout_seconds=BUDGET)
        [attempt] = trigger(client)
        assert (attempt["outcome"], attempt["status"], attempt["error"]) == ("failed", None, "timeout")
        assert not trickled.finished.is_set()
        runtime.close()
