"""Figure 2: in-process calls per second against the live socket.

One ``delivery/read`` call, repeated, through:
- ``mock_client``: the app's Flask test client;
- the interceptor (``pytest_plugin.intercept``): ``requests`` to the real
  base URL ``https://api.eu.navixy.com/v2``, routed to the app in process;
- the baseline: the same app on a real socket (``ThreadedServer``, as the
  ``mock_server`` fixture runs it) through a keep-alive ``requests.Session``.
Rounds alternate between the three. Each round gives each in-process path a
ratio to the socket path of the same round; the figure is the median of those
ratios, so that a slow moment on a shared machine moves one round, not the
result. The calls per second shown are the medians of the rounds.
"""
from __future__ import annotations

import statistics
import time

from .result import NotAvailable, figure, paired_ratio
from .throughput import NAVIXY_HASH, NAVIXY_READ

CALLS = 300
ROUNDS = 9
TARGET = 4.0
REAL_BASE = "https://api.eu.navixy.com"


def _calls_per_second(call) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        call()
    return CALLS / (time.perf_counter() - started)


def _checked(call, via: str) -> None:
    answer = call()
    status = getattr(answer, "status_code", None)
    if status != 200:
        raise RuntimeError(f"{via}: delivery/read answered {status}")


def run() -> list[dict]:
    import requests

    from mockserver import create_app
    from mockserver.server import ThreadedServer

    try:
        from pytest_plugin.intercept import intercept
    except ImportError as exc:
        raise NotAvailable(f"pytest_plugin.intercept: {exc}") from None

    app = create_app()
    body = {"hash": NAVIXY_HASH}
    client = app.test_client()
    socket_session, intercepted_session = requests.Session(), requests.Session()
    with ThreadedServer(app) as server, intercept(app):
        paths = {
            "mock_client": lambda: client.post(NAVIXY_READ, json=body),
            "interceptor": lambda: intercepted_session.post(REAL_BASE + NAVIXY_READ, json=body),
            "socket": lambda: socket_session.post(server.url + NAVIXY_READ, json=body),
        }
        for via, call in paths.items():
            _checked(call, via)
        runs = {via: [] for via in paths}
        for _ in range(ROUNDS):
            for via, call in paths.items():
                runs[via].append(_calls_per_second(call))
    socket_session.close()
    intercepted_session.close()
    rows = []
    for via, title in (("interceptor", "in-process: interceptor (requests)"), ("mock_client", "in-process: mock_client")):
        ratio = paired_ratio(runs[via], runs["socket"])
        rows.append(figure(
            title, round(statistics.median(runs[via])), "calls/s",
            baseline="live socket, requests.Session", baseline_value=round(statistics.median(runs["socket"])),
            ratio=round(ratio, 2), target=f">= {TARGET:g}x", met=ratio >= TARGET, calls=CALLS, rounds=ROUNDS,
            runs=[round(r) for r in runs[via]], socket_runs=[round(r) for r in runs["socket"]],
        ))
    return rows
