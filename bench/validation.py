"""Figure 8: request validation overhead on one endpoint.

The same ``delivery/read`` call through two in-process apps, one with
``validate_requests`` on and one with it off. In process, so that socket and
server time (the same for both) do not hide the difference; rounds alternate
between the two apps and the best of each counts.
"""
from __future__ import annotations

import time

from .result import figure
from .throughput import NAVIXY_HASH, NAVIXY_READ

CALLS = 100
ROUNDS = 40
TARGET = 0.10


def _per_call_us(client) -> float:
    body = {"hash": NAVIXY_HASH}
    started = time.perf_counter()
    for _ in range(CALLS):
        client.post(NAVIXY_READ, json=body)
    return (time.perf_counter() - started) / CALLS * 1e6


def run() -> dict:
    from mockserver import create_app

    on = create_app(validate_requests=True).test_client()
    off = create_app(validate_requests=False).test_client()
    for client in (on, off):
        answer = client.post(NAVIXY_READ, json={"hash": NAVIXY_HASH})
        assert answer.status_code == 200, answer.get_json()
    on_runs, off_runs = [], []
    for _ in range(ROUNDS):
        on_runs.append(_per_call_us(on))
        off_runs.append(_per_call_us(off))
    on_us, off_us = min(on_runs), min(off_runs)
    overhead = on_us / off_us - 1
    return figure(
        "validation overhead (delivery/read)", round(on_us, 1), "us/call",
        baseline="validate_requests off", baseline_value=round(off_us, 1), ratio=round(on_us / off_us, 3),
        target=f"<= +{TARGET:.0%}", met=overhead <= TARGET, overhead=f"{overhead:+.1%}", calls=CALLS, rounds=ROUNDS,
    )
