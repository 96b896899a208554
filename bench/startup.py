"""Figure 3: ``mockserver serve`` start to the first successful response.

Measured from just before the process is spawned to the first 200 answer of
a real API call (``delivery/read``), against a bare Flask app on the same
server (granian, the default) started the same way. The median of a few starts.

Both start from compiled bytecode, as an installed package does (``pip``
compiles on install): run from a checkout with PYTHONDONTWRITEBYTECODE set,
the mock would otherwise compile its own modules anew on every start.
"""
from __future__ import annotations

import statistics
import time

import requests

from .result import figure
from .servers import ServerProcess, bare_command, compile_sources, mock_command
from .throughput import NAVIXY_HASH, NAVIXY_READ

STARTS = 9
TARGET_RATIO = 1.2


def time_to_first_response(command: list[str]) -> float:
    started = time.perf_counter()
    with ServerProcess(command) as server:
        session = requests.Session()
        while True:
            try:
                answer = session.post(server.url + NAVIXY_READ, json={"hash": NAVIXY_HASH}, timeout=5)
            except requests.ConnectionError:
                continue  # listening is announced after bind; this is only a guard
            if answer.status_code == 200:
                return time.perf_counter() - started
            raise RuntimeError(f"{command[2]}: first answer {answer.status_code}: {answer.text[:200]}")


def run() -> dict:
    compile_sources()
    mock_runs, bare_runs = [], []
    for _ in range(STARTS):  # alternate, so drift hits both alike
        mock_runs.append(time_to_first_response(mock_command()))
        bare_runs.append(time_to_first_response(bare_command("--server", "granian")))
    mock_s, bare_s = statistics.median(mock_runs), statistics.median(bare_runs)
    ratio = mock_s / bare_s
    return figure(
        "serve: start to first response", round(mock_s, 3), "s",
        baseline="bare Flask on granian", baseline_value=round(bare_s, 3), ratio=round(ratio, 2),
        target=f"<= {TARGET_RATIO:g}x", met=ratio <= TARGET_RATIO,
        starts=STARTS, mock_runs=[round(s, 3) for s in mock_runs], bare_runs=[round(s, 3) for s in bare_runs],
    )
