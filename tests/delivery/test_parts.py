"""The delivery package's parts on their own, and the admin routes' bad input."""
from datetime import timedelta

import pytest
import requests
import urllib3

from mockserver.clock import parse_instant
from mockserver.delivery import sender as outcomes
from mockserver.delivery.notification import new_notification
from mockserver.delivery.schedule import PendingRetry, RetryQueue, next_retry_due
from mockserver.delivery.sender import Outcome, classify

from .helpers import EVENT, ORDER, log_of, make_app, refused_url, subscription, trigger

T0 = parse_instant("2024-06-01T09:00:00Z")


def retry(seq: int, sub: int, due_seconds: float, attempt: int = 2) -> PendingRetry:
    notification = new_notification(seq, sub, EVENT, ORDER, T0, ["sender"])
    return PendingRetry(notification, attempt, T0 + timedelta(seconds=due_seconds), T0)


def test_the_queue_pops_one_instant_at_a_time_in_notification_order():
    queue = RetryQueue()
    for item in (retry(3, 1, 60), retry(1, 2, 60), retry(2, 1, 30), retry(4, 3, 90)):
        queue.push(item)
    assert len(queue) == 4 and queue.next_due() == T0 + timedelta(seconds=30)
    assert queue.pop_due(T0 + timedelta(seconds=29)) == []
    assert [r.notification.seq for r in queue.pop_due(T0 + timedelta(hours=1))] == [2]
    assert [r.notification.seq for r in queue.pop_due(T0 + timedelta(hours=1))] == [1, 3]
    assert [r.notification.seq for r in queue.pending()] == [4]


def test_dropping_a_subscription_cancels_only_its_retries():
    queue = RetryQueue()
    for item in (retry(1, 1, 60), retry(2, 2, 30), retry(3, 1, 10)):
        queue.push(item)
    assert [r.notification.seq for r in queue.drop_subscription(1)] == [3, 1]
    assert queue.drop_subscription(1) == []
    assert len(queue) == 1 and queue.next_due() == T0 + timedelta(seconds=30)
    assert [r.notification.seq for r in queue.pop_due(T0 + timedelta(days=1))] == [2]
    assert queue.next_due() is None and len(queue) == 0


@pytest.mark.parametrize(
    "delays_from, attempt, attempted_after, expected_after",
    [
        ("previous_attempt", 1, 0, 60),
        ("previous_attempt", 2, 60, 1260),
        ("previous_attempt", 3, 1260, 12060),
        ("previous_attempt", 4, 12060, None),  # the schedule has three retries
        ("first_attempt", 2, 60, 1200),
        ("first_attempt", 3, 1200, 10800),
        ("first_attempt", 2, 5000, 5000),  # never before the attempt that scheduled it
    ],
)
def test_next_retry_due(delays_from, attempt, attempted_after, expected_after):
    due = next_retry_due((60, 1200, 10800), delays_from, attempt, T0 + timedelta(seconds=attempted_after), T0)
    assert due == (None if expected_after is None else T0 + timedelta(seconds=expected_after))


def test_pending_retries_survive_a_dump_and_restore():
    app, runtime, client = make_app(subscription(2, refused_url()))
    [first] = trigger(client)
    saved = runtime.dump_pending()
    assert [(p["attempt"], p["due"], p["notification"]["id"]) for p in saved] == [
        (2, "2024-06-01T09:01:00Z", first["notification_id"])
    ]
    runtime.replace_state(runtime.dump_state())  # a new state drops the old retries ...
    assert runtime.dump_pending() == []
    runtime.restore_pending(saved)  # ... and the state file puts them back
    [second] = runtime.advance_clock(60)
    assert (second["notification_id"], second["attempt"]) == (first["notification_id"], 2)
    [third] = trigger(client)
    assert third["notification_id"] != first["notification_id"]


@pytest.mark.parametrize(
    "exc, kind",
    [
        (requests.exceptions.SSLError("bad certificate"), outcomes.TLS_ERROR),
        (requests.exceptions.ConnectTimeout("slow connect"), outcomes.TIMEOUT),
        (requests.exceptions.ReadTimeout("slow answer"), outcomes.TIMEOUT),
        (requests.exceptions.MissingSchema("no scheme"), outcomes.INVALID_URL),
        (requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(
            None, "/", urllib3.exceptions.NameResolutionError("h", None, OSError("no such host")))), outcomes.DNS_ERROR),
        (requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused")), outcomes.CONNECTION_REFUSED),
        (requests.exceptions.ConnectionError(ConnectionResetError(104, "reset")), outcomes.CONNECTION_ERROR),
    ],
)
def test_send_errors_are_classified(exc, kind):
    assert classify(exc) == kind


def test_outcomes_from_statuses_and_fault_rules():
    assert Outcome.from_status(204).ok
    assert Outcome.from_status(302) == Outcome(False, 302, "http_status", "HTTP 302 (redirects are not followed)")
    assert Outcome.from_fault({"timeout": True, "fault": 7}) == Outcome(False, None, "timeout", "simulated by a fault rule", 7)
    assert Outcome.from_fault({"status": 503, "fault": 2}).status == 503


def test_an_unknown_event_type_or_role_is_refused_in_the_admin_envelope():
    app, runtime, client = make_app(subscription(2, refused_url()))
    unknown = client.post("/__mock/dellin/events", json={"orderNumber": ORDER, "eventType": "order.state.lost"})
    assert unknown.status_code == 422
    assert "order.state.lost" in unknown.json["error"]["message"]
    assert EVENT in unknown.json["error"]["details"][0]["valid_values"]
    bad_role = client.post("/__mock/dellin/events", json={"orderNumber": ORDER, "eventType": EVENT, "roles": ["owner"]})
    assert bad_role.status_code == 422
    assert log_of(client)["total"] == 0  # nothing was attempted


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"orderNumber": ORDER},
        {"eventType": EVENT},
        {"orderNumber": 8216702228554, "eventType": EVENT},
        {"orderNumber": ORDER, "eventType": EVENT, "roles": []},
        {"orderNumber": ORDER, "eventType": EVENT, "roles": ["sender", "sender"]},
        {"orderNumber": ORDER, "eventType": EVENT, "extra": 1},
        {"orderNumber": "", "eventType": EVENT},
        {"orderNumber": "x" * 256, "eventType": EVENT},
    ],
)
def test_malformed_event_requests_are_refused(body):
    app, runtime, client = make_app(subscription(2, refused_url()))
    response = client.post("/__mock/dellin/events", json=body)
    assert response.status_code == 422
    assert response.json["error"]["details"]
    assert log_of(client)["total"] == 0


def test_a_non_json_event_request_is_refused():
    app, runtime, client = make_app()
    response = client.post("/__mock/dellin/events", data="orderNumber=1", content_type="text/plain")
    assert response.status_code == 415  # a type a browser may send cross-site
    assert client.get("/__mock/dellin/events").status_code == 405


def test_the_runtime_api_returns_the_same_entries_as_the_log():
    app, runtime, client = make_app(subscription(2, refused_url()))
    ran = runtime.trigger_order_event(ORDER, EVENT) + runtime.advance_clock(3600)
    assert ran == log_of(client)["deliveries"]
    assert [e["attempt"] for e in ran] == [1, 2, 3]
