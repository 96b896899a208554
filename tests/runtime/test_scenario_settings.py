"""A scenario's ``settings``, loaded through the admin API, change what the
mock does; a scenario without them goes back to the mock's own config, and a
reset keeps the loaded scenario's."""
from __future__ import annotations

import threading

import pytest

from mockserver import create_app

from ..contract import ContractClient
from ..delivery.helpers import (
    APPKEY, advance, check_notifications, log_of, make_app, subscription, subscription_state, trigger, world,
)

DOWN = "https://hooks.example/down"  # a webhook fault fails it: no network call


def scenario(*subscriptions: dict, faults=(), **settings) -> dict:
    doc = world(*subscriptions)
    if faults:
        doc["faults"] = list(faults)
    if settings:
        doc["settings"] = settings
    return doc


def failing(**settings) -> dict:
    """Subscription 2, whose every delivery fails."""
    return scenario(subscription(2, DOWN), faults=[{"webhook": {"url": DOWN, "fail": "always", "status": 500}}],
                    **settings)


def load(client, doc: dict) -> None:
    response = client.post("/__mock/scenarios", json=doc)
    assert response.status_code == 200, response.json


def second_retry_due(client) -> str:
    """Fail an event's first attempt and its first retry: when the second retry falls due."""
    [first] = trigger(client)
    assert first["next_retry_at"] == "2024-06-01T09:01:00Z"
    [retry] = advance(client, by="1m")
    return retry["next_retry_at"]


def test_the_retry_delays_origin_is_the_scenarios_else_the_configs():
    app, runtime, client = make_app(retry_delays_from="first_attempt")
    load(client, failing(retry_delays_from="previous_attempt"))
    assert second_retry_due(client) == "2024-06-01T09:21:00Z"  # the retry at 09:01 + 20 min
    assert client.post("/__mock/reset").status_code == 200
    assert second_retry_due(client) == "2024-06-01T09:21:00Z"  # a reset keeps the scenario's settings
    load(client, failing())
    assert second_retry_due(client) == "2024-06-01T09:20:00Z"  # the config's: the first attempt + 20 min


def test_a_subscription_in_error_gets_no_new_events_when_the_scenario_says_so(receiver):
    app, runtime, client = make_app()
    load(client, scenario(subscription(2, receiver.url), error_subscriptions_receive_new_events=False))
    receiver.fail_next(1)
    [failed] = trigger(client)
    assert failed["subscription_state"] == "error"
    assert trigger(client) == []  # a new event while in error: nothing sent
    assert len(receiver.received) == 1
    [retry] = advance(client, by="1m")  # the pending retry still runs, and its success re-enables
    assert (retry["outcome"], retry["subscription_state"]) == ("delivered", "enabled")
    [again] = trigger(client)
    assert again["outcome"] == "delivered"
    assert len(check_notifications(receiver)) == 3


def test_a_subscription_in_error_gets_new_events_by_default(receiver):
    app, runtime, client = make_app()
    in_error = subscription(2, receiver.url, state="error", failures=1)
    load(client, scenario(in_error, error_subscriptions_receive_new_events=False))
    assert trigger(client) == [] and receiver.received == []
    load(client, scenario(in_error))
    [attempt] = trigger(client)
    assert (attempt["outcome"], attempt["subscription_state"]) == ("delivered", "enabled")
    assert len(check_notifications(receiver)) == 1


def test_the_timeout_setting_decides_whether_a_slow_receiver_failed(receiver):
    app, runtime, client = make_app(webhook_timeout_seconds=30)
    receiver.delay(60)  # each answer waits until release()
    load(client, scenario(subscription(2, receiver.url), webhook_timeout_seconds=0.2))
    try:
        [attempt] = trigger(client)
    finally:
        receiver.release()
    assert (attempt["outcome"], attempt["error"], attempt["detail"]) == ("failed", "timeout", "no complete answer within 0.2 s")

    load(client, scenario(subscription(2, receiver.url)))  # the config's 30 s
    arrived = threading.Thread(target=lambda: (receiver.wait_for(2, timeout=30), receiver.release()))
    arrived.start()
    try:
        [attempt] = trigger(client)
    finally:
        arrived.join()
    assert attempt["outcome"] == "delivered"


@pytest.mark.parametrize("settings, outcome", [
    ({}, ("error", "2024-06-01T09:01:00Z")),
    ({"max_consecutive_failures": 1}, ("disabled", None)),
    ({"retry_schedule_seconds": [30]}, ("error", "2024-06-01T09:00:30Z")),
])
def test_the_schedule_and_the_failure_limit_come_from_the_scenario(settings, outcome):
    app, runtime, client = make_app()
    load(client, failing(**settings))
    [attempt] = trigger(client)
    assert (attempt["subscription_state"], attempt["next_retry_at"]) == outcome


def test_the_scenario_a_mock_starts_with_brings_its_settings():
    app = create_app(scenario=failing(max_consecutive_failures=1))
    app.test_client_class = ContractClient
    [attempt] = trigger(app.test_client())
    assert attempt["subscription_state"] == "disabled"


def test_dellin_metadata_detail_comes_from_the_scenario():
    app, runtime, client = make_app()
    for settings, detail in (({"dellin_metadata_detail": "title"}, "Требуется авторизация"), ({}, "abc")):
        load(client, scenario(**settings))
        response = client.post("/v1/webhooks", json={"appkey": APPKEY})
        assert response.json["metadata"]["detail"] == detail


def test_a_bad_setting_is_a_422_that_changes_nothing():
    app, runtime, client = make_app()
    load(client, failing(retry_delays_from="first_attempt"))
    before = (runtime.config, runtime.scenario, runtime.dump_state())
    response = client.post("/__mock/scenarios", json=failing(retry_delays_from="last_attempt"))
    assert response.status_code == 422
    assert "at settings.retry_delays_from: 'last_attempt' is not one of" in response.json["error"]["message"]
    assert (runtime.config, runtime.scenario, runtime.dump_state()) == before
    assert second_retry_due(client) == "2024-06-01T09:20:00Z"
    assert subscription_state(client, 2) == "error" and log_of(client)["total"] == 2
