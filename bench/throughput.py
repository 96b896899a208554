"""Figure 1: standalone requests per second against bare Flask.

Both run as subprocesses on waitress with the same thread count; the load
generator (wrk, or the Python fallback) is a third process. The bare app
answers with the very body the mock sent for the same request.

Rounds alternate mock, bare, mock, bare, ...; each pair of rounds gives one
ratio, and the figure is the median of those paired ratios, so that a slow
second on a shared machine moves one pair, not the result. (The best round of
each, the earlier method, let one lucky second decide.) The requests per
second shown are the medians of the rounds.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile

import requests

from .dellin_state import auth, order_numbers, state, subscription
from .load import run_load, tool_name
from .result import NotAvailable, figure, paired_ratio
from .servers import ServerProcess, bare_command, mock_command

TARGET = 0.9
DURATION = 1.0
WARMUP = 1.0
ROUNDS = 9

NAVIXY_READ = "/v2/user/session/delivery/read"
NAVIXY_HASH = "66666666666666666666666666666666"  # default scenario: has a delivery session


def _measure(url: str, body: dict, duration: float = DURATION) -> float:
    result = run_load(url, body=body, duration=duration)
    if result.non_2xx:
        raise RuntimeError(f"{result.non_2xx} of {result.requests} answers to {url} were not 2xx")
    return result.requests_per_second


def compare(name: str, path: str, body: dict, mock_args=()) -> dict:
    """Requests per second of the mock and of bare Flask for one request, in paired rounds."""
    with ServerProcess(mock_command(*mock_args)) as mock:
        sample = requests.post(mock.url + path, json=body, timeout=10)
        if sample.status_code != 200:
            raise NotAvailable(f"POST {path} answers {sample.status_code}: {sample.text[:200]}")
        fd, bodies = tempfile.mkstemp(suffix=".json", prefix="bench-bodies-")
        with os.fdopen(fd, "w") as handle:
            json.dump({path: sample.json()}, handle)
        try:
            with ServerProcess(bare_command("--bodies", bodies)) as bare:
                for server in (mock, bare):
                    _measure(server.url + path, body, WARMUP)
                mock_rps, bare_rps = [], []
                for _ in range(ROUNDS):  # alternate, so drift hits both alike
                    mock_rps.append(_measure(mock.url + path, body))
                    bare_rps.append(_measure(bare.url + path, body))
        finally:
            os.unlink(bodies)
    ratio = paired_ratio(mock_rps, bare_rps)
    return figure(
        name, round(statistics.median(mock_rps)), "req/s",
        baseline="bare Flask, same server", baseline_value=round(statistics.median(bare_rps)),
        ratio=round(ratio, 2), target=f">= {TARGET}x", met=ratio >= TARGET,
        load=tool_name(), rounds=ROUNDS, seconds=DURATION,
        mock_runs=[round(r) for r in mock_rps], bare_runs=[round(r) for r in bare_rps],
    )


def run_navixy() -> dict:
    return compare("navixy delivery/read throughput", NAVIXY_READ, {"hash": NAVIXY_HASH})


def run_dellin() -> dict:
    """``POST /v1/webhooks`` (the list) for a user with three subscriptions."""
    scenario = {
        "name": "bench-dellin-list",
        "description": "a Dellin user with three subscriptions",
        "state": state([subscription(i, order_numbers(5, start=10 * i)) for i in (1, 2, 3)]),
    }
    fd, path = tempfile.mkstemp(suffix=".json", prefix="bench-scenario-")
    with os.fdopen(fd, "w") as handle:
        json.dump(scenario, handle)
    try:
        return compare("dellin /v1/webhooks (list) throughput", "/v1/webhooks", auth(), ("--scenario", path))
    finally:
        os.unlink(path)
