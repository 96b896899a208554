"""Idle and slow (slowloris) connections neither lock other clients out nor
stay open for ever.

Nothing here waits for a margin: the first test checks an order of events
(the new client is answered while all 200 connections are provably still
open), the second one waits, with a generous ceiling, for the server to
close connections that never finish their headers.
"""
import select
import socket
import threading
import time

import pytest
import requests

from ..processes import ServeProcess

pytestmark = pytest.mark.live
CONNECTIONS = 200
READ = "/v2/user/session/delivery/read"
HASH = "66666666666666666666666666666666"


def address_of(server):
    host, port = server.url.rsplit("/", 1)[1].rsplit(":", 1)
    return host, int(port)


def open_idle_and_slow(address, count=CONNECTIONS):
    """Half connect and send nothing, half start a request and never finish its headers."""
    sockets = []
    for index in range(count):
        connection = socket.create_connection(address, timeout=10)
        if index % 2:
            connection.sendall(f"POST {READ} HTTP/1.1\r\nHost: localhost\r\n".encode())
        sockets.append(connection)
    return sockets


def is_open(connection) -> bool:
    """True while the server has not closed it (nothing to read, no EOF)."""
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return True
    try:
        return connection.recv(1, socket.MSG_PEEK) != b""
    except ConnectionResetError:
        return False


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_a_new_client_is_answered_while_200_idle_and_slow_connections_are_open(server):
    with ServeProcess("--quiet", "--server", server, "--idle-timeout", "600") as process:
        sockets = open_idle_and_slow(address_of(process))
        try:
            answer = requests.post(process.url + READ, json={"hash": HASH}, timeout=60)
            assert answer.status_code == 200
            assert all(is_open(connection) for connection in sockets)
        finally:
            for connection in sockets:
                connection.close()


def test_idle_and_dripping_connections_are_closed_after_the_idle_timeout():
    with ServeProcess("--quiet", "--idle-timeout", "1") as process:
        sockets = open_idle_and_slow(address_of(process))
        dripping = sockets[1::2]
        stop = threading.Event()

        def drip():  # a header line now and then: progress, but never the end of the headers
            while not stop.wait(0.2):
                for connection in dripping:
                    try:
                        connection.sendall(b"X-Drip: 1\r\n")
                    except OSError:
                        pass

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        try:
            deadline = time.monotonic() + 120  # a ceiling for a loaded machine, not a measurement
            while time.monotonic() < deadline and any(is_open(connection) for connection in sockets):
                time.sleep(0.2)
            assert not any(is_open(connection) for connection in sockets)
            # and the server still answers
            assert requests.post(process.url + READ, json={"hash": HASH}, timeout=60).status_code == 200
        finally:
            stop.set()
            dripper.join(5)
            for connection in sockets:
                connection.close()
