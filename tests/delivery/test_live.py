"""Notifications really POSTed to a local receiver, with the retry schedule run
on the virtual clock."""
import pytest

from .helpers import (
    EVENT, ORDER, OTHER_ORDER, advance, check_notifications, dellin, log_of, make_app, refused_url,
    subscription, subscription_state, trigger,
)

pytestmark = pytest.mark.live


def test_a_matching_subscription_receives_the_notification(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    [attempt] = trigger(client)
    assert attempt["outcome"] == "delivered"
    assert attempt["status"] == 200 and attempt["error"] is None
    assert attempt["attempt"] == 1 and attempt["time"] == "2024-06-01T09:00:00Z"
    assert attempt["next_retry_at"] is None and attempt["subscription_state"] == "enabled"

    [body] = check_notifications(receiver)
    assert body == {
        "id": attempt["notification_id"],
        "subscriptionId": 2,
        "eventType": EVENT,
        "orderNumber": ORDER,
        "eventTime": "2024-06-01 09:00:00",
        "roles": ["sender"],
    }
    assert receiver.received[0].headers["X-Delivery-Attempt"] == "1"
    assert receiver.received[0].path == "/hook"
    log = log_of(client)
    assert log["deliveries"] == [attempt] and log["pending"] == [] and log["total"] == 1


def test_three_failures_then_recovery_brings_the_subscription_back_to_enabled(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    receiver.fail_next(3)

    [first] = trigger(client)
    assert (first["outcome"], first["status"], first["error"]) == ("failed", 500, "http_status")
    assert first["next_retry_at"] == "2024-06-01T09:01:00Z"
    assert subscription_state(client, 2) == "error"  # clients see it through /v1/webhooks

    # each delay counts from the previous attempt: 1 min, 20 min, 3 h
    [second] = advance(client, seconds=60)
    assert (second["attempt"], second["time"], second["outcome"]) == (2, "2024-06-01T09:01:00Z", "failed")
    assert second["next_retry_at"] == "2024-06-01T09:21:00Z"
    assert advance(client, by="19m") == []  # not due yet
    [third] = advance(client, by="1m")
    assert (third["attempt"], third["time"], third["next_retry_at"]) == (3, "2024-06-01T09:21:00Z", "2024-06-01T12:21:00Z")
    assert subscription_state(client, 2) == "error"
    [fourth] = advance(client, by="3h")
    assert (fourth["attempt"], fourth["outcome"], fourth["status"]) == (4, "delivered", 200)
    assert fourth["subscription_state"] == "enabled"
    assert subscription_state(client, 2) == "enabled"

    bodies = check_notifications(receiver)
    assert len(bodies) == 4 and len({b["id"] for b in bodies}) == 1  # one notification, four attempts
    assert [r.headers["X-Delivery-Attempt"] for r in receiver.received] == ["1", "2", "3", "4"]
    assert [r.status for r in receiver.received] == [500, 500, 500, 200]
    [saved] = runtime.dump_state()["dellin"]["users"][0]["subscriptions"]
    assert saved["state"] == "enabled" and saved["failures"] == 0
    assert log_of(client)["pending"] == []


def test_four_failures_in_a_row_disable_the_subscription(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    receiver.respond_with(503)
    trigger(client)
    assert log_of(client)["pending"][0]["attempt"] == 2

    # advancing by 4 hours runs the whole failing schedule at once, each at its own time
    ran = advance(client, by="4h")
    assert [(e["attempt"], e["time"], e["outcome"]) for e in ran] == [
        (2, "2024-06-01T09:01:00Z", "failed"),
        (3, "2024-06-01T09:21:00Z", "failed"),
        (4, "2024-06-01T12:21:00Z", "failed"),
    ]
    assert ran[-1]["subscription_state"] == "disabled" and ran[-1]["next_retry_at"] is None
    assert client.get("/__mock/clock").json["now"] == "2024-06-01T13:00:00Z"
    assert subscription_state(client, 2) == "disabled"
    assert log_of(client)["pending"] == []

    # a disabled subscription receives nothing
    assert trigger(client) == []
    assert advance(client, by="1d") == []
    assert len(check_notifications(receiver)) == 4


def test_failures_count_across_notifications_of_one_subscription(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url, orders=[ORDER, OTHER_ORDER]))
    receiver.respond_with(500)
    trigger(client, ORDER)
    trigger(client, OTHER_ORDER)
    ran = advance(client, seconds=60)
    # attempts 1, 1, 2, 2: the fourth failure in a row disables, whichever notification it belongs to
    assert [(e["order_number"], e["attempt"], e["outcome"], e["subscription_state"]) for e in ran] == [
        (ORDER, 2, "failed", "error"),
        (OTHER_ORDER, 2, "failed", "disabled"),
        (ORDER, 3, "dropped", "disabled"),  # the retry ORDER's failure had scheduled goes with it
    ]
    assert ran[-1]["error"] == "subscription_disabled"
    assert log_of(client)["pending"] == []
    check_notifications(receiver)


def test_a_timeout_is_a_failure(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url), webhook_timeout_seconds=0.3)
    receiver.delay(30)
    try:
        [attempt] = trigger(client)
    finally:
        receiver.release()
    assert (attempt["outcome"], attempt["status"], attempt["error"]) == ("failed", None, "timeout")
    assert attempt["subscription_state"] == "error"
    assert len(check_notifications(receiver)) == 1  # it did arrive; the answer came too late


def test_a_refused_connection_is_a_failure():
    app, runtime, client = make_app(subscription(2, refused_url()))
    [attempt] = trigger(client)
    assert (attempt["outcome"], attempt["status"], attempt["error"]) == ("failed", None, "connection_refused")
    assert attempt["next_retry_at"] == "2024-06-01T09:01:00Z"


def test_an_unknown_host_is_a_dns_failure():
    app, runtime, client = make_app(subscription(2, "http://no-such-receiver.invalid/hook"))
    [attempt] = trigger(client)
    assert (attempt["outcome"], attempt["error"]) == ("failed", "dns_error")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_a_failure_and_is_not_followed(receiver, status):
    app, runtime, client = make_app(subscription(2, receiver.url))
    receiver.respond_with(status)
    [attempt] = trigger(client)
    assert (attempt["outcome"], attempt["status"], attempt["error"]) == ("failed", status, "http_status")
    assert [r.path for r in receiver.received] == ["/hook"]  # nothing went to the Location
    check_notifications(receiver)


def test_other_non_2xx_answers_fail_and_any_2xx_succeeds(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    outcomes = []
    for status in (404, 204, 429, 201):
        receiver.respond_with(status)
        [attempt] = trigger(client)
        outcomes.append((attempt["status"], attempt["outcome"]))
    assert outcomes == [(404, "failed"), (204, "delivered"), (429, "failed"), (201, "delivered")]
    check_notifications(receiver)


def test_matching_by_order_event_type_state_and_role(receiver):
    subs = [
        subscription(1, receiver.url),  # sender on ORDER: matches
        subscription(2, receiver.url, orderRoles=["receiver"]),  # the user is not a receiver on ORDER
        subscription(3, receiver.url, eventTypes=["order.state.completed"]),  # another event type
        subscription(4, receiver.url, state="disabled"),
        subscription(5, receiver.url, orders=[OTHER_ORDER]),  # another order
        subscription(6, receiver.url, orderRoles=["payer", "sender", "customer"]),
    ]
    app, runtime, client = make_app(*subs)
    ran = trigger(client)
    assert [(e["subscription_id"]) for e in ran] == [1, 6]
    roles = {b["subscriptionId"]: b["roles"] for b in check_notifications(receiver)}
    assert roles == {1: ["sender"], 6: ["payer", "sender"]}  # the subscription's roles the user holds


def test_unknown_roles_on_the_order_match_every_role_and_event_roles_narrow(receiver):
    subs = [
        subscription(1, receiver.url, orderRoles=["receiver", "customer"], orders=[OTHER_ORDER]),
        subscription(2, receiver.url, orderRoles=["sender", "payer"]),
    ]
    app, runtime, client = make_app(*subs)
    [attempt] = trigger(client, OTHER_ORDER)  # the user's roles on it are unknown: every role matches
    assert attempt["subscription_id"] == 1
    assert receiver.received[-1].json["roles"] == ["receiver", "customer"]

    assert [e["subscription_id"] for e in trigger(client, OTHER_ORDER, roles=["customer"])] == [1]
    assert receiver.received[-1].json["roles"] == ["customer"]
    assert trigger(client, ORDER, roles=["receiver"]) == []  # the user is sender and payer on ORDER
    trigger(client, ORDER, roles=["payer", "receiver"])
    assert receiver.received[-1].json["roles"] == ["payer"]
    check_notifications(receiver)


def test_a_retry_goes_to_the_url_the_subscription_has_now(receiver):
    dead = refused_url()
    app, runtime, client = make_app(subscription(2, dead))
    [first] = trigger(client)
    assert first["url"] == dead and first["outcome"] == "failed"
    updated = dellin(client, "/v1/webhooks/update", id=2, url=receiver.url, orderRoles=["sender"])
    assert updated.status_code == 200, updated.json
    [second] = advance(client, by="1m")
    assert (second["url"], second["outcome"], second["subscription_state"]) == (receiver.url, "delivered", "enabled")
    assert receiver.received[0].json["id"] == first["notification_id"]


def test_retries_of_a_subscription_disabled_or_deleted_meanwhile_are_dropped():
    app, runtime, client = make_app(subscription(2, refused_url()), subscription(3, refused_url()))
    trigger(client)
    disabled = dellin(client, "/v1/webhooks/update", id=2, url="http://127.0.0.1:9/hook", orderRoles=["sender"],
                      state="disabled")
    assert disabled.status_code == 200, disabled.json
    deleted = dellin(client, "/v1/webhooks/delete", ids=[3])
    assert deleted.status_code == 200, deleted.json
    ran = advance(client, by="1h")
    assert [(e["subscription_id"], e["outcome"], e["error"], e["attempt"]) for e in ran] == [
        (2, "dropped", "subscription_disabled", 2),
        (3, "dropped", "subscription_deleted", 2),
    ]
    assert log_of(client)["pending"] == []


def test_delays_can_count_from_the_first_attempt_and_the_schedule_is_configurable():
    app, runtime, client = make_app(
        subscription(2, refused_url()), retry_delays_from="first_attempt", retry_schedule_seconds=(30, 600, 3600, 7200),
        max_consecutive_failures=5,
    )
    trigger(client)
    ran = advance(client, by="3h")
    assert [(e["attempt"], e["time"]) for e in ran] == [
        (2, "2024-06-01T09:00:30Z"),
        (3, "2024-06-01T09:10:00Z"),
        (4, "2024-06-01T10:00:00Z"),
        (5, "2024-06-01T11:00:00Z"),
    ]
    assert ran[-1]["subscription_state"] == "disabled"


def test_a_notification_is_given_up_when_the_schedule_runs_out_before_the_limit():
    app, runtime, client = make_app(subscription(2, refused_url()), retry_schedule_seconds=(60,))
    trigger(client)
    [retry] = advance(client, by="1d")
    assert (retry["attempt"], retry["next_retry_at"], retry["subscription_state"]) == (2, None, "error")
    assert log_of(client)["pending"] == []


def test_re_enabling_through_update_resets_the_count(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    receiver.respond_with(500)
    trigger(client)
    advance(client, by="4h")
    assert subscription_state(client, 2) == "disabled"
    enabled = dellin(client, "/v1/webhooks/update", id=2, url=receiver.url, orderRoles=["sender"], state="enabled")
    assert enabled.status_code == 200, enabled.json
    [again] = trigger(client)
    assert again["subscription_state"] == "error"  # one failure, not the fifth in a row
    assert again["next_retry_at"] == "2024-06-01T13:01:00Z"


def test_a_webhook_fault_rule_fails_deliveries_without_any_network_call(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    added = client.post("/__mock/faults", json={"webhook": {"url": receiver.url, "fail": 2, "status": 502}})
    assert added.status_code in (200, 201), added.json
    [first] = trigger(client)
    [second] = advance(client, by="1m")
    [third] = advance(client, by="20m")
    assert [(e["status"], e["outcome"], e["fault"] is not None) for e in (first, second, third)] == [
        (502, "failed", True), (502, "failed", True), (200, "delivered", False),
    ]
    assert len(check_notifications(receiver)) == 1  # only the third reached the receiver


def test_a_timeout_fault_rule_needs_no_receiver():
    url = "https://hooks.example/never-contacted"
    app, runtime, client = make_app(subscription(2, url))
    runtime.faults.add({"webhook": {"url": url, "fail": "always", "timeout": True}})
    trigger(client)
    ran = advance(client, by="4h")
    assert [e["error"] for e in ran] == ["timeout"] * 3
    assert ran[-1]["subscription_state"] == "disabled"


def test_reset_clears_the_log_and_the_pending_retries():
    app, runtime, client = make_app(subscription(2, refused_url()))
    trigger(client)
    assert log_of(client)["total"] == 1 and len(log_of(client)["pending"]) == 1
    assert client.post("/__mock/reset").status_code == 200
    assert log_of(client) == {"deliveries": [], "total": 0, "pending": []}
    assert subscription_state(client, 2) == "enabled"
    assert advance(client, by="1d") == []
