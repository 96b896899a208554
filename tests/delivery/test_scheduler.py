"""Real clock mode: a background thread delivers retries as they fall due."""
import time

import pytest

from mockserver import create_app
from mockserver.app import runtime_of

from .helpers import EVENT, ORDER, check_notifications, subscription, world

pytestmark = pytest.mark.live


def real_mode_app(url: str, **config):
    # a real clock, and retries a fraction of a second apart so the test is short
    config.setdefault("retry_schedule_seconds", (0.2, 0.2, 0.2))
    return create_app(allow_http_webhooks=True, scenario=world(subscription(2, url), clock_mode="real"), **config)


def wait_for_log(runtime, n: int, timeout: float = 10.0) -> list[dict]:
    for _ in range(int(timeout / 0.05)):
        entries = runtime.deliveries()["deliveries"]
        if len(entries) >= n:
            return entries
        time.sleep(0.05)
    raise AssertionError(f"expected {n} log entries, got {runtime.deliveries()['deliveries']}")


def test_the_scheduler_delivers_a_due_retry_and_stops_cleanly(receiver):
    runtime = runtime_of(real_mode_app(receiver.url))
    try:
        assert runtime.scheduler is not None and runtime.scheduler.is_alive()
        receiver.fail_next(1)
        [first] = runtime.trigger_order_event(ORDER, EVENT)
        assert first["outcome"] == "failed" and first["next_retry_at"] is not None

        receiver.wait_for(2, timeout=10)  # nobody advanced the clock: the scheduler sent it
        first_entry, second = wait_for_log(runtime, 2)
        assert (second["attempt"], second["outcome"], second["subscription_state"]) == (2, "delivered", "enabled")
        assert second["time"] >= first["next_retry_at"]
        assert runtime.deliveries()["pending"] == []
        check_notifications(receiver)
    finally:
        scheduler = runtime.scheduler
        runtime.close()
    assert not scheduler.is_alive()
    assert runtime.scheduler is None


def test_the_scheduler_runs_a_whole_failing_schedule(receiver):
    runtime = runtime_of(real_mode_app(receiver.url))
    try:
        receiver.respond_with(500)
        runtime.trigger_order_event(ORDER, EVENT)
        entries = wait_for_log(runtime, 4)
        assert [e["attempt"] for e in entries] == [1, 2, 3, 4]
        assert entries[-1]["subscription_state"] == "disabled"
    finally:
        runtime.close()


def test_advancing_a_real_clock_runs_the_retries_it_passes(receiver):
    # an hour-long first delay: only the advance can bring it due
    runtime = runtime_of(real_mode_app(receiver.url, retry_schedule_seconds=(3600, 3600, 3600)))
    try:
        receiver.fail_next(1)
        runtime.trigger_order_event(ORDER, EVENT)
        ran = runtime.advance_clock(3600)
        assert [(e["attempt"], e["outcome"]) for e in ran] == [(2, "delivered")]
    finally:
        runtime.close()


def test_loading_a_virtual_scenario_stops_the_scheduler_and_a_real_one_starts_it(receiver):
    runtime = runtime_of(real_mode_app(receiver.url))
    try:
        scheduler = runtime.scheduler
        runtime.load_scenario(world(subscription(2, receiver.url), clock_mode="virtual"))
        assert runtime.scheduler is None and not scheduler.is_alive()
        runtime.load_scenario(world(subscription(2, receiver.url), clock_mode="real"))
        assert runtime.scheduler is not None and runtime.scheduler.is_alive()
    finally:
        runtime.close()


def test_a_virtual_clock_has_no_scheduler_thread(receiver):
    runtime = runtime_of(create_app(allow_http_webhooks=True, scenario=world(subscription(2, receiver.url))))
    assert runtime.scheduler is None
    runtime.close()
