"""Figure 6: 1,000 failing subscriptions, one event each, then the clock
advance that runs all 3,000 due retries (1 min, 20 min, 3 h; the fourth
failure disables the subscription).

Two receivers, each in its own fresh mock:
- a fault rule ``webhook: {url, fail: always}``: every attempt fails inside
  the mock, no network at all, so the time is the mock-side work (target);
- a real loopback port that refuses connections at once: the same work plus
  1,000 refused TCP connects per round (reported, no target).
"""
from __future__ import annotations

import socket
import time

from .dellin_state import APPKEY, SESSION, subscription
from .result import NotAvailable, figure

SUBSCRIPTIONS = 1_000
PER_USER = 10  # a Dellin user's maximum
ORDER = "8216702228554"
EVENT = "order.state.pickup"
ADVANCE_SECONDS = 4 * 3600  # past 1 min + 20 min + 3 h
TARGET_SECONDS = 1.0


def refusing_url() -> str:
    """A loopback URL nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def _state(url: str) -> dict:
    users = []
    for u in range(SUBSCRIPTIONS // PER_USER):
        subs = [subscription(u * PER_USER + i + 1, [ORDER], url=url) for i in range(PER_USER)]
        users.append({"login": f"user{u}@example.test", "password": "Password1",
                      "sessions": [SESSION] if u == 0 else [], "subscriptions": subs})
    return {"navixy": {"users": []}, "dellin": {"appkeys": [APPKEY], "users": users}}


def _one_run(url: str, with_fault: bool) -> tuple[float, float, dict]:
    from mockserver import create_app
    from mockserver.app import runtime_of

    mock = runtime_of(create_app(allow_http_webhooks=True))
    if not hasattr(mock, "trigger_order_event"):
        raise NotAvailable("the runtime has no trigger_order_event yet")
    mock.replace_state(_state(url))
    if with_fault:
        mock.faults.add({"webhook": {"url": url, "fail": "always"}})
    started = time.perf_counter()
    first = mock.trigger_order_event(ORDER, EVENT)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    retries = mock.advance_clock(ADVANCE_SECONDS)
    advance_s = time.perf_counter() - started
    states = {}
    for sub in mock.store.dellin.subscriptions.values():
        states[sub.state] = states.get(sub.state, 0) + 1
    failed_retries = sum(1 for entry in retries if entry["outcome"] == "failed")
    mock.close()
    if len(first) != SUBSCRIPTIONS or failed_retries != 3 * SUBSCRIPTIONS:
        raise RuntimeError(f"expected {SUBSCRIPTIONS} first attempts and {3 * SUBSCRIPTIONS} retries, "
                           f"got {len(first)} and {failed_retries}")
    return first_s, advance_s, {"retries": len(retries), "failed": failed_retries, "states": states}


def run() -> list[dict]:
    url = refusing_url()
    first_s, advance_s, seen = _one_run(url, with_fault=True)
    net_first_s, net_advance_s, net_seen = _one_run(refusing_url(), with_fault=False)
    return [
        figure("retries: advance over 3,000 due retries (mock-side)", round(advance_s, 3), "s",
               target=f"< {TARGET_SECONDS:g} s", met=advance_s < TARGET_SECONDS,
               subscriptions=SUBSCRIPTIONS, failing_by="fault rule, no network", **seen),
        figure("retries: first attempts, 1,000 subscriptions (mock-side)", round(first_s, 3), "s",
               target="report", met=None, failing_by="fault rule, no network"),
        figure("retries: advance, receiver refusing on loopback", round(net_advance_s, 3), "s",
               target="report (network)", met=None, failing_by="connection refused", **net_seen),
        figure("retries: first attempts, receiver refusing on loopback", round(net_first_s, 3), "s",
               target="report (network)", met=None, failing_by="connection refused"),
    ]
