"""Figure 1: standalone requests per second, the mock against bare Flask.

Every server runs as its own subprocess; the load generator (wrk, or the
Python fallback) is another. The bare app answers with the very body the
mock sent for the same request. Contenders for ``delivery/read``:

- ``mockserver serve`` as shipped: the default server (granian), access log on;
- the same with ``--quiet`` (the access log's cost is the ratio of the two);
- ``--server waitress --quiet``, and the same app on cheroot (the server
  choice's evidence, when cheroot is installed);
- bare Flask on waitress (the baseline of the targets) and on granian.

Rounds visit every server in turn, each round starting one server further on
than the last, so that none always runs right after another. Each round gives
each contender a ratio to its baseline measured in the same round; the figure
is the median of those ratios, so a slow second on a shared machine moves
one sample, not the result. The requests per second shown are medians.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import statistics
import tempfile

import requests

from .dellin_state import auth, order_numbers, state, subscription
from .load import run_load, tool_name
from .result import NotAvailable, figure, paired_ratio
from .servers import ServerProcess, bare_command, cheroot_command, mock_command

TARGET_DEFAULT = 1.5  # default serve, access log on, against bare Flask on waitress
TARGET_SAME_SERVER = 0.9  # the mock against bare Flask on its own server, both quiet
TARGET_LOG = 0.9  # the access log costs at most 10%
DURATION = 1.0
WARMUP = 1.0
ROUNDS = 7

NAVIXY_READ = "/v2/user/session/delivery/read"
NAVIXY_HASH = "66666666666666666666666666666666"  # default scenario: has a delivery session

BARE_WAITRESS = "bare Flask on waitress"


def _measure(url: str, body: dict, duration: float = DURATION) -> float:
    result = run_load(url, body=body, duration=duration)
    if result.non_2xx:
        raise RuntimeError(f"{result.non_2xx} of {result.requests} answers to {url} were not 2xx")
    return result.requests_per_second


def measure_rounds(urls: dict[str, str], body: dict, rounds: int = ROUNDS) -> dict[str, list[float]]:
    """Requests per second of each URL in each round, visiting them in a rotating order."""
    names = list(urls)
    for name in names:
        _measure(urls[name], body, WARMUP)
    runs = {name: [] for name in names}
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(_measure(urls[name], body))
    return runs


def compared(name: str, runs: dict, contender: str, baseline: str, *, target: float | None,
             target_text: str | None = None) -> dict:
    ratio = paired_ratio(runs[contender], runs[baseline])
    return figure(
        name, round(statistics.median(runs[contender])), "req/s",
        baseline=baseline, baseline_value=round(statistics.median(runs[baseline])),
        ratio=round(ratio, 2), target=target_text or (f">= {target}x" if target else "report"),
        met=None if target is None else ratio >= target,
        load=tool_name(), rounds=len(runs[contender]), seconds=DURATION,
        runs=[round(r) for r in runs[contender]], baseline_runs=[round(r) for r in runs[baseline]],
    )


def _sample_body(url: str, path: str, body: dict) -> str:
    """The mock's answer to the request, written for the bare apps to send back."""
    sample = requests.post(url + path, json=body, timeout=10)
    if sample.status_code != 200:
        raise NotAvailable(f"POST {path} answers {sample.status_code}: {sample.text[:200]}")
    fd, bodies = tempfile.mkstemp(suffix=".json", prefix="bench-bodies-")
    with os.fdopen(fd, "w") as handle:
        json.dump({path: sample.json()}, handle)
    return bodies


@contextlib.contextmanager
def _contenders(path: str, body: dict, mock_args: tuple, with_alternatives: bool):
    """Start every server; yields ``{name: url}`` and stops them all afterwards."""
    with contextlib.ExitStack() as stack:
        logged = stack.enter_context(ServerProcess(mock_command(*mock_args)))
        bodies = _sample_body(logged.url, path, body)
        stack.callback(os.unlink, bodies)
        urls = {"serve (access log on)": logged.url}
        urls["serve --quiet"] = stack.enter_context(ServerProcess(mock_command("--quiet", *mock_args))).url
        if with_alternatives:
            urls["serve --server waitress --quiet"] = stack.enter_context(
                ServerProcess(mock_command("--quiet", "--server", "waitress", *mock_args))).url
            if importlib.util.find_spec("cheroot") is not None:
                urls["the mock on cheroot, quiet"] = stack.enter_context(
                    ServerProcess(cheroot_command(*mock_args))).url
        urls[BARE_WAITRESS] = stack.enter_context(ServerProcess(bare_command("--bodies", bodies))).url
        urls["bare Flask on granian"] = stack.enter_context(
            ServerProcess(bare_command("--bodies", bodies, "--server", "granian"))).url
        yield {name: url + path for name, url in urls.items()}


def run_navixy() -> list[dict]:
    body = {"hash": NAVIXY_HASH}
    with _contenders(NAVIXY_READ, body, (), with_alternatives=True) as urls:
        runs = measure_rounds(urls, body)
    rows = [
        compared("navixy delivery/read: serve (granian, access log on)", runs,
                 "serve (access log on)", BARE_WAITRESS, target=TARGET_DEFAULT),
        compared("access log: serve against serve --quiet", runs, "serve (access log on)", "serve --quiet",
                 target=TARGET_LOG, target_text=">= 0.9x (costs <= 10%)"),
        compared("navixy: serve --quiet, same server as bare Flask (granian)", runs,
                 "serve --quiet", "bare Flask on granian", target=TARGET_SAME_SERVER),
        compared("navixy: serve --server waitress --quiet", runs,
                 "serve --server waitress --quiet", BARE_WAITRESS, target=TARGET_SAME_SERVER),
        compared("server choice: serve --quiet (granian)", runs, "serve --quiet", BARE_WAITRESS, target=None),
        compared("server choice: bare Flask on granian", runs, "bare Flask on granian", BARE_WAITRESS, target=None),
    ]
    if "the mock on cheroot, quiet" in runs:
        rows.append(compared("server choice: the mock on cheroot, quiet", runs,
                             "the mock on cheroot, quiet", BARE_WAITRESS, target=None))
    return rows


def run_dellin() -> list[dict]:
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
        with _contenders("/v1/webhooks", auth(), ("--scenario", path), with_alternatives=False) as urls:
            runs = measure_rounds(urls, auth())
    finally:
        os.unlink(path)
    return [
        compared("dellin /v1/webhooks (list): serve (granian, access log on)", runs,
                 "serve (access log on)", BARE_WAITRESS, target=TARGET_DEFAULT),
        compared("dellin: serve --quiet, same server as bare Flask (granian)", runs,
                 "serve --quiet", "bare Flask on granian", target=TARGET_SAME_SERVER),
    ]
