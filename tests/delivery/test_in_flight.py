"""A client's change that lands while an attempt is on the wire: the outcome
counts as if it had landed just before the change, so whether the receiver
answered before or after the client disabled the subscription makes no
difference to the failure count, the retry or the log."""
from __future__ import annotations

import pytest

from mockserver.clock import Clock, parse_instant
from mockserver.config import MockConfig
from mockserver.delivery.engine import DeliveryEngine
from mockserver.delivery.sender import Outcome
from mockserver.faults.rules import FaultRules
from mockserver.store import Store

START = parse_instant("2024-06-01T09:00:00Z")
LOGIN = "hooks@example.test"
ORDER = "8216702228554"
EVENT = "order.state.pickup"
URL = "https://hooks.example/2"


class Receiver:
    """Answers each attempt from a script; ``during`` runs while the attempt is
    on the wire (no lock held), as a client's concurrent request would."""

    def __init__(self, answers: list[bool]):
        self.answers = list(answers)
        self.during = None

    def send(self, url, body, headers, timeout=None):
        if self.during is not None:
            self.during()
        ok = self.answers.pop(0)
        return Outcome(True, 200) if ok else Outcome.from_status(500)

    def close(self):
        pass


class World:
    def __init__(self, answers: list[bool], max_failures: int = 4):
        config = MockConfig(max_consecutive_failures=max_failures)
        self.clock = Clock(START)
        seed = {"appkeys": ["k"], "users": [{"login": LOGIN, "subscriptions": [
            {"id": 2, "url": URL, "orderRoles": ["sender"], "orders": [ORDER]}]}]}
        self.store = Store({"dellin": seed}, clock=self.clock, config=config)
        self.receiver = Receiver(answers)
        self.engine = DeliveryEngine(self.store, self.clock, config, faults=FaultRules, sender=self.receiver)

    def set_state(self, state: str) -> None:
        with self.store.lock:
            self.store.dellin.change_subscription(LOGIN, 2, url=URL, order_roles=["sender"], state=state)

    def picture(self) -> dict:
        """Everything the outcome decides, without the random notification ids
        and the subscription's state at the time of each entry (``disabled``
        already, when the disable landed first)."""
        sub = self.store.dellin.subscriptions[2]
        return {
            "subscription": (sub.state, sub.failures),
            "log": [{k: v for k, v in entry.items() if k not in ("notification_id", "subscription_state")}
                    for entry in self.store.deliveries.log.entries()],
            "pending": [(r.attempt, r.due) for r in self.store.deliveries.queue.pending()],
        }


def disabled_after_the_answer(answers, max_failures=4) -> World:
    world = World(answers, max_failures)
    world.engine.trigger(ORDER, EVENT)
    world.set_state("disabled")
    return world


def disabled_while_on_the_wire(answers, max_failures=4) -> World:
    world = World(answers, max_failures)
    world.receiver.during = lambda: world.set_state("disabled")
    world.engine.trigger(ORDER, EVENT)
    world.receiver.during = None
    return world


@pytest.mark.parametrize("answers, max_failures", [([False], 4), ([True], 4), ([False], 1)],
                         ids=["failure", "success", "failure-at-the-limit"])
def test_the_outcome_does_not_depend_on_when_the_disable_landed(answers, max_failures):
    before = disabled_after_the_answer(answers + [True], max_failures).picture()
    during = disabled_while_on_the_wire(answers + [True], max_failures).picture()
    assert during == before
    assert during["subscription"][0] == "disabled"


def test_a_failure_while_disabling_keeps_its_retry_which_runs_after_re_enabling():
    world = disabled_while_on_the_wire([False, True])
    [first] = world.store.deliveries.log.entries()
    assert (first["outcome"], first["next_retry_at"], first["subscription_state"]) == (
        "failed", "2024-06-01T09:01:00Z", "disabled")
    assert world.picture()["subscription"] == ("disabled", 1)

    world.set_state("enabled")
    ran = world.engine.advance(60)
    assert [(e["attempt"], e["outcome"]) for e in ran] == [(2, "delivered")]
    assert world.picture()["subscription"] == ("enabled", 0)


def test_a_failure_while_disabling_is_dropped_when_due_if_still_disabled():
    world = disabled_while_on_the_wire([False])
    ran = world.engine.advance(60)
    assert [(e["attempt"], e["outcome"], e["error"]) for e in ran] == [(2, "dropped", "subscription_disabled")]
    assert world.picture()["pending"] == []


def _log_and_pending(world: World) -> dict:
    return {
        # the state at the first entry is the subscription's own, or None once deleted
        "log": [{k: v for k, v in entry.items() if k not in ("notification_id", "subscription_state")}
                for entry in world.store.deliveries.log.entries()],
        "pending": [(r.attempt, r.due) for r in world.store.deliveries.queue.pending()],
    }


def _delete(world: World) -> None:
    with world.store.lock:
        world.store.dellin.delete_subscriptions(LOGIN, [2])


@pytest.mark.parametrize("answers", [[False], [True]], ids=["failure", "success"])
def test_the_outcome_does_not_depend_on_when_the_delete_landed(answers):
    before = World(answers)
    before.engine.trigger(ORDER, EVENT)
    _delete(before)
    during = World(answers)
    during.receiver.during = lambda: _delete(during)
    during.engine.trigger(ORDER, EVENT)
    for world in (before, during):
        world.engine.advance(60)
    picture = _log_and_pending(during)
    assert picture == _log_and_pending(before)
    assert picture["pending"] == []
    if answers == [False]:  # the retry fell due and was dropped as deleted, either way
        assert [(e["attempt"], e["outcome"], e["error"]) for e in picture["log"]] == [
            (1, "failed", "http_status"), (2, "dropped", "subscription_deleted")]
