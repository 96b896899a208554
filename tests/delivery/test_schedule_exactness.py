"""Every retry runs at its due time on the virtual clock, whatever the
interleaving of triggers, clock advances and resets, and the delivery log
says so. A trigger's first attempt may still be on the wire when an advance
comes: the advance must wait for it, or the retry it schedules would run
only at the next advance, late.

A Hypothesis state machine drives triggers (some held on the wire while an
advance or a reset is started beside them), advances and resets against a
model of the schedule: each notification's attempts at its first attempt's
time plus the cumulative delays."""
from __future__ import annotations

import threading
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mockserver.clock import Clock, iso, parse_instant
from mockserver.config import MockConfig
from mockserver.delivery.engine import DeliveryEngine
from mockserver.delivery.sender import Outcome
from mockserver.faults.rules import FaultRules
from mockserver.store import Store

START = parse_instant("2024-06-01T09:00:00Z")
LOGIN = "hooks@example.test"
ORDER = "8216702228554"
EVENT = "order.state.pickup"
FAILING, OK = "https://failing.example/h", "https://ok.example/h"
SCHEDULE = (60.0, 1200.0, 10800.0)
# seconds an advance moves: on, around and between the due times
STEPS = st.sampled_from([1, 59, 60, 61, 600, 1199, 1200, 1260, 3600, 10800, 12060, 20000])


class HeldReceiver:
    """Answers at once (FAILING with 500, the rest 200), or, when ``hold`` is
    set, keeps the attempt on the wire until ``release``."""

    def __init__(self):
        self.hold = False
        self.on_wire = threading.Event()
        self.released = threading.Event()

    def send(self, url, body, headers, timeout=None):
        if self.hold:
            self.on_wire.set()
            self.released.wait(30)
        return Outcome.from_status(500) if url == FAILING else Outcome(True, 200)

    def close(self):
        pass


def new_world():
    config = MockConfig(max_consecutive_failures=10_000, retry_schedule_seconds=SCHEDULE)
    clock = Clock(START)
    seed = {"appkeys": ["k"], "users": [{"login": LOGIN, "subscriptions": [
        {"id": 1, "url": FAILING, "orderRoles": ["sender"], "orders": [ORDER]},
        {"id": 2, "url": OK, "orderRoles": ["sender"], "orders": [ORDER]},
    ]}]}
    store = Store({"dellin": seed}, clock=clock, config=config)
    receiver = HeldReceiver()
    engine = DeliveryEngine(store, clock, config, faults=FaultRules, sender=receiver)
    return clock, store, receiver, engine


def expected_attempts(first: str, now) -> list[str]:
    """The model: a failing receiver's attempts due by ``now``."""
    at = parse_instant(first)
    times = [at]
    for delay in SCHEDULE:
        at = at + timedelta(seconds=delay)
        times.append(at)
    return [iso(t) for t in times if t <= now]


class Schedule(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.clock, self.store, self.receiver, self.engine = new_world()

    def reset(self):
        with self.store.lock:
            self.clock.restart(START)
            self.store.reset()

    def _in_background(self, target) -> threading.Thread:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------ rules
    @rule()
    def trigger(self):
        self.engine.trigger(ORDER, EVENT)

    @rule(seconds=STEPS)
    def advance(self, seconds):
        self.engine.advance(seconds)

    @rule()
    def reset_now(self):
        self.reset()

    @rule(seconds=STEPS, reset_too=st.booleans())
    def advance_while_a_first_attempt_is_on_the_wire(self, seconds, reset_too):
        self.receiver.hold = True
        self.receiver.on_wire.clear()
        self.receiver.released.clear()
        triggering = self._in_background(lambda: self.engine.trigger(ORDER, EVENT))
        assert self.receiver.on_wire.wait(30)
        advancing = self._in_background(lambda: self.engine.advance(seconds))
        # a chance for the advance to run ahead of the attempt, as it could
        # before it waited (no assertion depends on how long this takes)
        advancing.join(0.02)
        if reset_too:
            self.reset()
        self.receiver.hold = False
        self.receiver.released.set()
        triggering.join(30)
        advancing.join(30)
        assert not triggering.is_alive() and not advancing.is_alive()

    # ------------------------------------------------------------ the model
    @invariant()
    def every_retry_ran_at_its_due_time(self):
        now = self.clock.now()
        with self.store.lock:
            log = self.store.deliveries.log.entries()
            pending = self.store.deliveries.queue.pending()
        by_notification: dict[str, list[dict]] = {}
        for entry in log:
            by_notification.setdefault(entry["notification_id"], []).append(entry)
        for entries in by_notification.values():
            first = entries[0]
            assert first["attempt"] == 1
            if first["url"] == OK:
                assert [e["outcome"] for e in entries] == ["delivered"]
                continue
            assert [e["time"] for e in entries] == expected_attempts(first["time"], now), entries
            assert [e["attempt"] for e in entries] == list(range(1, len(entries) + 1))
            for before, after in zip(entries, entries[1:]):
                assert before["next_retry_at"] == after["time"]  # the log says when, and it ran then
        for retry in pending:
            assert retry.due > now, f"retry {retry.attempt} was due at {iso(retry.due)}, the clock is at {iso(now)}"


Schedule.TestCase.settings = settings(
    max_examples=40, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSchedule = Schedule.TestCase


def test_the_reported_overlap_retries_at_one_minute():
    """The issue's reproduction: a first attempt in flight, a 1-hour advance."""
    clock, store, receiver, engine = new_world()
    receiver.hold = True
    ran: list = []
    triggering = threading.Thread(target=lambda: engine.trigger(ORDER, EVENT))
    triggering.start()
    assert receiver.on_wire.wait(30)
    advancing = threading.Thread(target=lambda: ran.extend(engine.advance(3600)))
    advancing.start()
    advancing.join(0.05)
    receiver.hold = False
    receiver.released.set()
    triggering.join(30)
    advancing.join(30)
    retries = [e for e in ran if e["url"] == FAILING]
    assert [e["time"] for e in retries] == [iso(START + timedelta(seconds=60)), iso(START + timedelta(seconds=1260))]
