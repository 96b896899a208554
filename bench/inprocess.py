"""Figure 2: in-process calls per second against the live socket.

One ``delivery/read`` call, repeated, through:
- ``mock_client``: the app's Flask test client;
- the interceptor (``mockserver.testing.intercept``): ``requests`` to the real
  base URL ``https://api.eu.navixy.com/v2``, routed to the app in process;
- the baseline: the same app on a real socket (``ThreadedServer``, as the
  ``mock_server`` fixture runs it) through a keep-alive ``requests.Session``.

Reported alongside, without a target:
- the same pair for ``httpx`` (the interceptor's ``WSGITransport`` against a
  keep-alive ``httpx.Client`` on the socket);
- the interceptor in front of a bare Flask app that answers the same bytes
  without checking or recording anything: the ceiling for any Flask app
  behind the interceptor on this machine;
- ``requests`` alone: with the interceptor active (so ``requests`` is set up
  as for an intercepted call), a session whose adapter answers the same bytes
  at once, without calling any app. No interceptor built on ``requests``'
  adapters can be faster: this is the ceiling for the 4x target.

Rounds alternate between the paths, each round starting one path further
on than the last, so that no path always runs right after the socket path
(which leaves caches and cores busy: in a fixed order, the path right after
it measured some 10% slower than the same work later in the round). Each
round gives each in-process path a ratio to the socket path of the same
round (of its own client library); the figure is the median of those
ratios, so that a slow moment on a shared machine moves one round, not the
result. The calls per second shown are the
medians of the rounds.
"""
from __future__ import annotations

import statistics
import time

from .result import NotAvailable, figure, paired_ratio
from .throughput import NAVIXY_HASH, NAVIXY_READ

CALLS = 300
ROUNDS = 25
TARGET = 4.0
REAL_BASE = "https://api.eu.navixy.com"
# path -> (its socket baseline, title, baseline title, target or None)
FIGURES = {
    "interceptor": ("socket", "in-process: interceptor (requests)", "live socket, requests.Session", TARGET),
    "mock_client": ("socket", "in-process: mock_client", "live socket, requests.Session", TARGET),
    "floor": ("socket", "in-process: interceptor, bare Flask app behind it",
              "live socket, requests.Session", None),
    "requests_alone": ("socket", "in-process: requests alone, an adapter that does no work",
                       "live socket, requests.Session", None),
    "httpx_interceptor": ("httpx_socket", "in-process: interceptor (httpx)", "live socket, httpx.Client", None),
}


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


def _no_work_session(body: bytes):
    """A ``requests.Session`` whose adapter answers ``body`` at once, for any URL
    and whatever adapter an interceptor would choose."""
    import requests
    from requests.adapters import BaseAdapter

    class NoWorkAdapter(BaseAdapter):
        def send(self, request, **kwargs):
            response = requests.Response()
            response.status_code = 200
            response._content = body
            response.request = request
            response.url = request.url
            return response

        def close(self):
            pass

    session = requests.Session()
    adapter = NoWorkAdapter()
    session.get_adapter = lambda url: adapter
    return session


def _bare_app(body: bytes):
    from .bare_app import create_bare_app

    return create_bare_app({NAVIXY_READ: body})


def run() -> list[dict]:
    import requests

    from mockserver import create_app
    from mockserver.server import ThreadedServer

    try:
        from mockserver.testing import intercept
    except ImportError as exc:
        raise NotAvailable(f"mockserver.testing: {exc}") from None
    try:
        import httpx
    except ImportError:
        httpx = None

    app = create_app()
    body = {"hash": NAVIXY_HASH}
    url = REAL_BASE + NAVIXY_READ
    client = app.test_client()
    mock_answer = client.post(NAVIXY_READ, json=body)
    floor_app = _bare_app(mock_answer.get_json())
    sessions = {via: requests.Session() for via in ("socket", "interceptor", "floor")}
    sessions["requests_alone"] = _no_work_session(mock_answer.data)
    with ThreadedServer(app) as server:
        paths = {
            "mock_client": lambda: client.post(NAVIXY_READ, json=body),
            "socket": lambda: sessions["socket"].post(server.url + NAVIXY_READ, json=body),
        }
        # each interceptor is active only during its own rounds
        interceptors = {"interceptor": intercept(app), "floor": intercept(floor_app)}
        # requests set up as for an intercepted call; its own adapter answers
        interceptors["requests_alone"] = interceptors["interceptor"]
        paths["interceptor"] = lambda: sessions["interceptor"].post(url, json=body)
        paths["floor"] = lambda: sessions["floor"].post(url, json=body)
        paths["requests_alone"] = lambda: sessions["requests_alone"].post(url, json=body)
        httpx_clients = []
        if httpx is not None:
            with interceptors["interceptor"]:
                intercepted_httpx = httpx.Client()  # mounts are taken when a client is built
            socket_httpx = httpx.Client()
            httpx_clients = [intercepted_httpx, socket_httpx]
            interceptors["httpx_interceptor"] = interceptors["interceptor"]
            paths["httpx_interceptor"] = lambda: intercepted_httpx.post(url, json=body)
            paths["httpx_socket"] = lambda: socket_httpx.post(server.url + NAVIXY_READ, json=body)

        def measure(via, call, measure_call):
            interceptor = interceptors.get(via)
            if interceptor is None:
                return measure_call(call)
            with interceptor:
                return measure_call(call)

        for via, call in paths.items():
            measure(via, call, lambda c: _checked(c, via))
        runs = {via: [] for via in paths}
        order = list(paths)
        for round_number in range(ROUNDS):
            shift = round_number % len(order)
            for via in order[shift:] + order[:shift]:
                runs[via].append(measure(via, paths[via], _calls_per_second))
        for closable in [*sessions.values(), *httpx_clients]:
            closable.close()

    rows = []
    for via, (base, title, base_title, target) in FIGURES.items():
        if via not in runs:
            continue
        ratio = paired_ratio(runs[via], runs[base])
        rows.append(figure(
            title, round(statistics.median(runs[via])), "calls/s",
            baseline=base_title, baseline_value=round(statistics.median(runs[base])),
            ratio=round(ratio, 2), target=f">= {target:g}x" if target else "report",
            met=(ratio >= target) if target else None, calls=CALLS, rounds=ROUNDS,
            runs=[round(r) for r in runs[via]], baseline_runs=[round(r) for r in runs[base]],
        ))
    return rows
