"""Figures of ``mockserver serve``'s listener: HTTPS, and idle or slow clients.

- ``serve --tls`` (a certificate from a local CA) against plain ``serve``,
  both as shipped (granian, access log on), in alternating rounds; for
  information (the load generator keeps its connections, so this is the
  cost of encryption, not of handshakes).
- A new client's first answer (connect, request, answer) while 200 idle or
  slowloris connections are open: half connected and silent, half with a
  request's headers begun and never finished. The median of a few new
  clients; the baseline is the same with no such connection open.
"""
from __future__ import annotations

import socket
import statistics
import time

import requests

from .result import NotAvailable, figure
from .servers import ServerProcess, mock_command
from .throughput import NAVIXY_HASH, NAVIXY_READ, compared, measure_rounds

IDLE_CONNECTIONS = 200
NEW_CLIENTS = 5
TARGET_NEW_CLIENT_SECONDS = 2.0


def run_tls() -> dict:
    try:
        import trustme  # noqa: F401  (serve --tls needs it)
    except ImportError:
        raise NotAvailable("serve --tls needs trustme: pip install 'navixy-dellin-mockserver[tls]'") from None
    body = {"hash": NAVIXY_HASH}
    with ServerProcess(mock_command("--tls")) as secure, ServerProcess(mock_command()) as plain:
        runs = measure_rounds({"serve --tls": secure.url + NAVIXY_READ, "serve": plain.url + NAVIXY_READ}, body)
    return compared("serve --tls (HTTPS) against plain HTTP", runs, "serve --tls", "serve", target=None)


def _new_client_seconds(url: str) -> float:
    started = time.perf_counter()
    with requests.Session() as session:  # a new connection each time
        answer = session.post(url + NAVIXY_READ, json={"hash": NAVIXY_HASH}, timeout=60)
    if answer.status_code != 200:
        raise RuntimeError(f"a new client got {answer.status_code}")
    return time.perf_counter() - started


def run_slow_clients() -> dict:
    with ServerProcess(mock_command()) as server:
        host, port = server.url.rsplit("/", 1)[1].rsplit(":", 1)
        quiet = [_new_client_seconds(server.url) for _ in range(NEW_CLIENTS)]
        sockets = []
        try:
            for index in range(IDLE_CONNECTIONS):
                connection = socket.create_connection((host, int(port)), timeout=10)
                if index % 2:
                    connection.sendall(f"POST {NAVIXY_READ} HTTP/1.1\r\nHost: localhost\r\n".encode())
                sockets.append(connection)
            crowded = [_new_client_seconds(server.url) for _ in range(NEW_CLIENTS)]
        finally:
            for connection in sockets:
                connection.close()
    value, baseline = statistics.median(crowded), statistics.median(quiet)
    return figure(
        f"a new client's answer with {IDLE_CONNECTIONS} idle/slow connections open", round(value, 4), "s",
        baseline="no such connection open", baseline_value=round(baseline, 4), ratio=round(value / baseline, 2),
        target=f"<= {TARGET_NEW_CLIENT_SECONDS:g} s", met=value <= TARGET_NEW_CLIENT_SECONDS,
        crowded_runs=[round(s, 4) for s in crowded], quiet_runs=[round(s, 4) for s in quiet],
    )
