"""Closing the connection of a request in flight (granian's drop fault).

The connection is found among this process's sockets; it is shut down only
when exactly one connection from the client's address waits for an answer.
Time only ever widens the gaps these tests create, so a slow machine cannot
turn a pass into a failure.
"""
import socket
import sys
import time

import pytest

from mockserver.connection_drop import close_connection_of

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")


@pytest.fixture
def listener():
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server


def connect(listener):
    client = socket.create_connection(listener.getsockname(), timeout=5)
    accepted, _ = listener.accept()
    return client, accepted


def environ_for(listener):
    return {"SERVER_PORT": str(listener.getsockname()[1]), "REMOTE_ADDR": "127.0.0.1"}


def test_the_one_connection_waiting_for_an_answer_is_closed_without_a_byte(listener):
    client, accepted = connect(listener)
    with client, accepted:
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert accepted.recv(100)
        assert close_connection_of(environ_for(listener)) is True
        assert client.recv(100) == b""  # closed, and nothing was written


def test_an_answered_keep_alive_connection_is_not_a_candidate(listener):
    idle_client, idle = connect(listener)
    busy_client, busy = connect(listener)
    with idle_client, idle, busy_client, busy:
        idle_client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(100)
        time.sleep(0.05)  # its answer goes out later than its request came in
        idle.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
        assert idle_client.recv(100)
        busy_client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert busy.recv(100)
        assert close_connection_of(environ_for(listener)) is True
        assert busy_client.recv(100) == b""
        idle_client.setblocking(False)
        with pytest.raises(BlockingIOError):  # still open, nothing to read
            idle_client.recv(100)


def test_two_requests_in_flight_from_one_address_touch_nothing(listener):
    pairs = [connect(listener) for _ in range(2)]
    try:
        for client, accepted in pairs:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert accepted.recv(100)
        assert close_connection_of(environ_for(listener)) is False
        for client, accepted in pairs:
            accepted.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
            assert client.recv(100).startswith(b"HTTP/1.1 204")
    finally:
        for client, accepted in pairs:
            client.close()
            accepted.close()


def test_unknown_addresses_and_missing_keys_are_a_plain_no():
    assert close_connection_of({}) is False
    assert close_connection_of({"SERVER_PORT": "1", "REMOTE_ADDR": "not an address"}) is False
