"""The delivery engine decides with the settings it was last given
(``use_config``): a scenario's settings reach retries, the failure limit and
the timeout handed to the sender."""
from __future__ import annotations

import pytest

from mockserver.clock import Clock, parse_instant
from mockserver.config import MockConfig
from mockserver.delivery.engine import DeliveryEngine
from mockserver.delivery.sender import Outcome
from mockserver.faults.rules import FaultRules
from mockserver.store import Store

START = parse_instant("2024-06-01T09:00:00Z")
ORDER = "8216702228554"
EVENT = "order.state.pickup"
SEED = {"appkeys": ["k"], "users": [{"login": "hooks@example.test", "subscriptions": [
    {"id": 2, "url": "https://hooks.example/2", "orderRoles": ["sender"], "orders": [ORDER]}]}]}


class FailingSender:
    """Every attempt fails; records the timeout each was given."""

    def __init__(self):
        self.timeouts: list[float] = []

    def send(self, url, body, headers, timeout=None):
        self.timeouts.append(timeout)
        return Outcome.from_status(500)

    def close(self):
        pass


def engine_with(config: MockConfig, then: MockConfig | None = None) -> tuple[DeliveryEngine, FailingSender]:
    """An engine made with ``config``, then given ``then`` (as a scenario load does)."""
    clock = Clock(START)
    store = Store({"dellin": SEED}, clock=clock, config=config)
    sender = FailingSender()
    engine = DeliveryEngine(store, clock, config, faults=FaultRules, sender=sender)
    if then is not None:
        with store.lock:
            engine.use_config(then)
    return engine, sender


@pytest.mark.parametrize("delays_from, second_retry_due", [
    ("previous_attempt", "2024-06-01T09:21:00Z"),  # 09:01 + 20 min
    ("first_attempt", "2024-06-01T09:20:00Z"),  # 09:00 + 20 min
])
def test_the_retry_delays_count_from_what_the_settings_say(delays_from, second_retry_due):
    engine, _ = engine_with(MockConfig(), then=MockConfig(retry_delays_from=delays_from))
    [first] = engine.trigger(ORDER, EVENT)
    assert first["next_retry_at"] == "2024-06-01T09:01:00Z"
    [retry] = engine.advance(60)
    assert retry["next_retry_at"] == second_retry_due


def test_the_failure_limit_and_the_timeout_are_the_latest_settings():
    engine, sender = engine_with(MockConfig(), then=MockConfig(max_consecutive_failures=1, webhook_timeout_seconds=0.5))
    [attempt] = engine.trigger(ORDER, EVENT)
    assert attempt["subscription_state"] == "disabled"
    assert sender.timeouts == [0.5]
