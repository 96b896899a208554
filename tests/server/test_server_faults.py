"""Delay and drop faults on a real socket, on every server the CLI offers."""
import socket
import threading

import pytest
import requests

from mockserver import create_app
from mockserver.faults import apply as fault_injection
from mockserver.app import runtime_of
from mockserver.server import SERVER_NAMES, ThreadedServer

pytestmark = pytest.mark.live
READ = "/v2/user/session/delivery/read"
HASH = "66666666666666666666666666666666"


@pytest.fixture(params=SERVER_NAMES)
def served(request):
    app = create_app()
    with ThreadedServer(app, server=request.param) as server:
        yield server, runtime_of(app)


def raw_exchange(server, request: bytes) -> bytes:
    """Everything the server sends until it closes the connection."""
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(4096):
            received += chunk
        return received


def test_a_dropped_call_gets_no_byte_and_the_server_carries_on(served):
    server, runtime = served
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "drop_connection": True, "times": 1})
    request = f"GET {READ}?hash={HASH} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()
    assert raw_exchange(server, request) == b""
    answer = requests.get(server.url + READ, params={"hash": HASH}, timeout=10)
    assert answer.status_code == 200
    assert runtime.journal.entries()[0]["faults"][0]["action"] == "drop_connection"


@pytest.fixture
def held_delay(monkeypatch):
    """A delay fault's sleep that says it has begun (``entered``) and lasts until ``release`` is set."""
    entered, release = threading.Event(), threading.Event()

    def sleep(seconds):
        entered.set()
        release.wait(30)

    monkeypatch.setattr(fault_injection, "sleep", sleep)
    return entered, release


def test_a_delay_holds_the_answer_and_others_are_served_meanwhile(served, held_delay):
    server, runtime = served
    entered, release = held_delay
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "delay_ms": 60000, "times": 1})
    delayed = {}
    caller = threading.Thread(target=lambda: delayed.update(
        answer=requests.get(server.url + READ, params={"hash": HASH}, timeout=60)))
    caller.start()
    try:
        assert entered.wait(30)
        # while the delayed call waits, another one is answered
        assert requests.get(server.url + "/__mock/health", timeout=10).status_code == 200
        assert "answer" not in delayed
    finally:
        release.set()
        caller.join(60)
    assert delayed["answer"].status_code == 200


def test_on_granian_a_drop_that_cannot_be_told_apart_never_gets_the_answer(held_delay):
    """Another call from the same address is in flight, so the connection
    cannot be told apart: granian ends the answer at the body's error. Whether
    its status line (444) went out first is a race inside granian, so the
    client sees either nothing or that status line without a body, never the
    API's answer."""
    app = create_app()
    runtime = runtime_of(app)
    entered, release = held_delay
    runtime.faults.add({"when": {"operation": "navixy.delivery.create"}, "delay_ms": 60000, "times": 1})
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "drop_connection": True, "times": 1})
    with ThreadedServer(app, server="granian") as server:
        held = threading.Thread(target=lambda: requests.get(
            server.url + "/v2/user/session/delivery/create", params={"hash": HASH}, timeout=60))
        held.start()
        try:
            assert entered.wait(30)
            received = raw_exchange(server, f"GET {READ}?hash={HASH} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        finally:
            release.set()
            held.join(60)
    status_line, _, rest = received.partition(b"\r\n")
    assert received == b"" or status_line.startswith(b"HTTP/1.1 444")
    assert b"success" not in received and not rest.partition(b"\r\n\r\n")[2]
    dropped = [entry for entry in runtime.journal.entries() if entry["path"] == READ]
    assert [entry["response"]["status"] for entry in dropped] == [444]
