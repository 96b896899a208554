"""Random sequences of events, receiver outcomes, clock advances and state
changes, run through the real engine (with a scripted sender instead of
sockets) and through a small model of the schedule and the state machine; the
delivery logs, the pending retries and the subscriptions must agree."""
from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.clock import Clock, iso, parse_instant
from mockserver.config import MockConfig
from mockserver.delivery.engine import DeliveryEngine
from mockserver.delivery.notification import HEADER_ATTEMPT
from mockserver.delivery.sender import Outcome
from mockserver.faults.rules import FaultRules
from mockserver.store import Store

START = parse_instant("2024-06-01T09:00:00Z")
LOGIN = "hooks@example.test"
SUBS = (1, 2)
EVENTS_PER_SUB = 12
EVENT = "order.state.pickup"


def order_number(sub: int, index: int) -> str:
    return f"{sub}{index:04d}"


def seed() -> dict:
    return {
        "appkeys": ["k"],
        "users": [{
            "login": LOGIN,
            "subscriptions": [
                {"id": sub, "url": f"https://hooks.example/{sub}", "orderRoles": ["sender"],
                 "orders": [order_number(sub, i) for i in range(EVENTS_PER_SUB)]}
                for sub in SUBS
            ],
        }],
    }


class ScriptedSender:
    """Each notification's attempts succeed or fail as its script says (keyed by
    order number, so the answer does not depend on the order of concurrent sends)."""

    def __init__(self):
        self.script: dict[str, list[bool]] = {}

    def send(self, url, body, headers, timeout=None):
        attempt = int(headers[HEADER_ATTEMPT])
        ok = self.script[json.loads(body)["orderNumber"]][attempt - 1]
        return Outcome(True, 200) if ok else Outcome.from_status(500)

    def close(self):
        pass


class Model:
    """The documented delivery rules (the retry schedule, the error state,
    disabling after the failures in a row), written as plainly as possible, in whole seconds."""

    def __init__(self, schedule, delays_from, max_failures, script):
        self.schedule, self.delays_from, self.max_failures, self.script = schedule, delays_from, max_failures, script
        self.now = 0
        self.state = {sub: "enabled" for sub in SUBS}
        self.failures = {sub: 0 for sub in SUBS}
        self.pending = []  # [due, seq, sub, order, attempt, first]
        self.log = []
        self.seq = 0

    def trigger(self, sub, order):
        if self.state[sub] == "disabled":
            return
        self.seq += 1
        self.attempt(self.seq, sub, order, 1, self.now)

    def attempt(self, seq, sub, order, attempt, first):
        ok = self.script[order][attempt - 1]
        next_due = None
        dropped = []
        if ok:
            self.state[sub], self.failures[sub] = "enabled", 0
        else:
            self.failures[sub] += 1
            self.state[sub] = "error"
            if self.failures[sub] >= self.max_failures:
                self.state[sub] = "disabled"
                dropped = sorted((p for p in self.pending if p[2] == sub), key=lambda p: (p[0], p[1]))
                self.pending = [p for p in self.pending if p[2] != sub]
            elif attempt <= len(self.schedule):
                base = first if self.delays_from == "first_attempt" else self.now
                next_due = max(base + self.schedule[attempt - 1], self.now)
                self.pending.append([next_due, seq, sub, order, attempt + 1, first])
        self.log.append((sub, order, attempt, self.now, "delivered" if ok else "failed", next_due, self.state[sub]))
        for p in dropped:
            self.log.append((sub, p[3], p[4], self.now, "dropped", None, "disabled"))

    def advance(self, seconds):
        target = self.now + seconds
        while self.pending:
            due = min(p[0] for p in self.pending)
            if due > target:
                break
            batch = sorted((p for p in self.pending if p[0] == due), key=lambda p: p[1])
            self.pending = [p for p in self.pending if p[0] != due]
            self.now = due
            for _, seq, sub, order, attempt, first in batch:
                if self.state[sub] == "disabled":
                    self.log.append((sub, order, attempt, self.now, "dropped", None, "disabled"))
                else:
                    self.attempt(seq, sub, order, attempt, first)
        self.now = target

    def set_state(self, sub, state):
        self.state[sub] = state
        if state == "enabled":
            self.failures[sub] = 0


def at(seconds) -> str | None:
    return None if seconds is None else iso(START + timedelta(seconds=seconds))


steps = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.sampled_from(SUBS), st.lists(st.booleans(), min_size=5, max_size=5)),
        st.tuples(
            st.just("advance"),
            st.one_of(st.sampled_from([0, 30, 59, 60, 61, 1140, 1200, 3600, 10800, 14400]), st.integers(0, 20000)),
        ),
        st.tuples(st.just("set_state"), st.sampled_from(SUBS), st.sampled_from(["enabled", "disabled"])),
    ),
    max_size=24,
)


@settings(max_examples=75, deadline=None)
@given(
    steps=steps,
    schedule=st.sampled_from([(60, 1200, 10800), (60, 60), (0, 30, 30), (300,)]),
    delays_from=st.sampled_from(["previous_attempt", "first_attempt"]),
    max_failures=st.integers(1, 5),
)
def test_the_engine_follows_the_model(steps, schedule, delays_from, max_failures):
    config = MockConfig(
        retry_schedule_seconds=schedule, retry_delays_from=delays_from, max_consecutive_failures=max_failures
    )
    clock = Clock(START)
    store = Store({"dellin": seed()}, clock=clock, config=config)
    sender = ScriptedSender()
    engine = DeliveryEngine(store, clock, config, faults=FaultRules, sender=sender)
    model = Model(schedule, delays_from, max_failures, sender.script)
    used = {sub: 0 for sub in SUBS}
    try:
        for step in steps:
            if step[0] == "event":
                _, sub, outcomes = step
                if used[sub] == EVENTS_PER_SUB:
                    continue
                order = order_number(sub, used[sub])
                used[sub] += 1
                sender.script[order] = outcomes
                engine.trigger(order, EVENT)
                model.trigger(sub, order)
            elif step[0] == "advance":
                engine.advance(step[1])
                model.advance(step[1])
            else:
                _, sub, state = step
                with store.lock:
                    store.dellin.change_subscription(
                        LOGIN, sub, url=f"https://hooks.example/{sub}", order_roles=["sender"], state=state
                    )
                model.set_state(sub, state)

            got = [
                (e["subscription_id"], e["order_number"], e["attempt"], e["time"], e["outcome"], e["next_retry_at"],
                 e["subscription_state"])
                for e in store.deliveries.log.entries()
            ]
            expected = [(s, o, a, at(t), out, at(n), st_) for s, o, a, t, out, n, st_ in model.log]
            assert got == expected
            assert iso(clock.now()) == at(model.now)
            pending = [(r.subscription_id, r.notification.order_number, r.attempt, iso(r.due))
                       for r in store.deliveries.queue.pending()]
            assert pending == [(p[2], p[3], p[4], at(p[0])) for p in sorted(model.pending, key=lambda p: (p[0], p[1]))]
            for sub in SUBS:
                record = store.dellin.subscriptions[sub]
                assert (record.state, record.failures) == (model.state[sub], model.failures[sub])
    finally:
        engine.close()
