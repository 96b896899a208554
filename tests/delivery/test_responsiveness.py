"""A receiver that does not answer never blocks the API: the mock holds no
lock while a delivery waits on the network."""
import threading

import pytest
import requests

from mockserver.server import ThreadedServer

from .helpers import APPKEY, SESSION, advance, make_app, refused_url, subscription

pytestmark = pytest.mark.live
NAVIXY_MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def in_background(func):
    result = {}

    def run():
        result["value"] = func()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def other_requests_are_served(base: str) -> None:
    """State, the Dellin API and the clock answer while the delivery is still waiting."""
    assert requests.get(base + "/__mock/state", timeout=10).status_code == 200
    listed = requests.post(base + "/v1/webhooks", json={"appkey": APPKEY, "sessionID": SESSION}, timeout=10)
    assert listed.status_code == 200 and listed.json()["data"][0]["id"] == 2
    assert requests.get(base + "/__mock/dellin/deliveries", timeout=10).status_code == 200
    assert requests.get(base + "/__mock/clock", timeout=10).json()["mode"] == "virtual"


def test_the_api_answers_while_a_first_attempt_waits_on_a_silent_receiver(receiver):
    # the receiver holds its answer until released; the mock would wait up to its 30 s timeout
    app, runtime, client = make_app(subscription(2, receiver.url), webhook_timeout_seconds=30)
    receiver.delay(60)
    with ThreadedServer(app) as server:
        event = {"orderNumber": "8216702228554", "eventType": "order.state.pickup"}
        thread, result = in_background(
            lambda: requests.post(server.url + "/__mock/dellin/events", json=event, timeout=60)
        )
        try:
            receiver.wait_for(1, timeout=10)  # the delivery is on the wire now
            other_requests_are_served(server.url)
            assert thread.is_alive()  # ... and it is still waiting for its answer
        finally:
            receiver.release()
        thread.join(timeout=30)
        [attempt] = result["value"].json()["deliveries"]
        assert attempt["outcome"] == "delivered"


def test_the_api_answers_while_an_advance_runs_a_retry_against_a_silent_receiver(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url), webhook_timeout_seconds=30)
    receiver.fail_next(1)
    client.post("/__mock/dellin/events", json={"orderNumber": "8216702228554", "eventType": "order.state.pickup"})
    receiver.delay(60)
    with ThreadedServer(app) as server:
        thread, result = in_background(
            lambda: requests.post(server.url + "/__mock/clock/advance", json={"by": "2m"}, timeout=60)
        )
        try:
            receiver.wait_for(2, timeout=10)  # the retry is on the wire
            other_requests_are_served(server.url)
            assert thread.is_alive()
        finally:
            receiver.release()
        thread.join(timeout=30)
        [retry] = result["value"].json()["deliveries"]
        assert (retry["attempt"], retry["outcome"]) == (2, "delivered")
    assert advance(client, seconds=0) == []


def test_a_slow_receiver_does_not_hold_up_deliveries_to_other_subscriptions(receiver):
    # retries due at one instant go out concurrently, one worker per subscription
    with type(receiver)() as quick:
        app, runtime, client = make_app(
            subscription(2, receiver.url), subscription(3, quick.url), subscription(4, refused_url()),
            webhook_timeout_seconds=30,
        )
        receiver.fail_next(1)
        quick.fail_next(1)
        client.post("/__mock/dellin/events", json={"orderNumber": "8216702228554", "eventType": "order.state.pickup"})
        receiver.delay(60)
        thread, result = in_background(lambda: runtime.advance_clock(60))
        try:
            receiver.wait_for(2, timeout=10)  # the slow receiver holds its retry ...
            quick.wait_for(2, timeout=10)  # ... while the quick one gets its own
            assert thread.is_alive()
        finally:
            receiver.release()
        thread.join(timeout=30)
        ran = result["value"]
        # logged in notification order, whatever order the answers came in
        assert [(e["subscription_id"], e["outcome"]) for e in ran] == [(2, "delivered"), (3, "delivered"), (4, "failed")]


def test_a_reset_while_a_retry_is_on_the_wire_wins(receiver):
    # the outcome belongs to the state before the reset: it changes nothing after it
    app, runtime, client = make_app(subscription(2, receiver.url), webhook_timeout_seconds=30)
    receiver.fail_next(1)
    client.post("/__mock/dellin/events", json={"orderNumber": "8216702228554", "eventType": "order.state.pickup"})
    receiver.delay(60)
    thread, result = in_background(lambda: runtime.advance_clock(3600))
    try:
        receiver.wait_for(2, timeout=10)
        assert client.post("/__mock/reset").status_code == 200  # served while the retry waits
    finally:
        receiver.release()
    thread.join(timeout=30)
    [retry] = result["value"]  # the caller still learns what happened ...
    assert (retry["attempt"], retry["outcome"]) == (2, "delivered")
    assert runtime.deliveries() == {"deliveries": [], "total": 0, "pending": []}  # ... the new state does not
    assert client.get("/__mock/clock").json["now"] == "2024-06-01T09:00:00Z"
    [saved] = runtime.dump_state()["dellin"]["users"][0]["subscriptions"]
    assert (saved["state"], saved["failures"]) == ("enabled", 0)
