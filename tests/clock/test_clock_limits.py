"""The mock clock's supported range (EARLIEST to LATEST): refused wherever the
clock is set, and everything derived from the clock works at both ends."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.clock import (
    EARLIEST, LATEST, Clock, ClockRangeError, checked_clock_instant, iso, parse_instant,
)
from mockserver.persistence import FORMAT, StateFileError

from ..contract import ContractClient

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
APPKEY = "00000000-0000-0000-0000-000000000000"
OUT_OF_RANGE = [
    "9999-12-31T23:00:00Z",
    "9999-12-31T23:59:59-05:00",  # past year 9999 once in UTC
    "0001-01-01T00:00:00+05:00",  # before year 1 once in UTC
    "1969-12-31T23:59:59Z",
    "9000-01-01T00:00:01Z",
]


def contract_client(app):
    app.test_client_class = ContractClient
    return app.test_client()


def dellin_world(start: str) -> dict:
    return {
        "name": "edge-of-time",
        "clock": {"start": start},
        "state": {"dellin": {"appkeys": [APPKEY], "users": [{
            "login": "a@example.test", "password": "p", "sessions": [APPKEY],
            "subscriptions": [{"id": 2, "url": "https://hooks.example/a", "orderRoles": ["sender"],
                               "orders": ["8216702228554"]}],
            "orders": [{"number": "8216702228554", "roles": ["sender"]}],
        }]}},
        "faults": [{"webhook": {"url": "https://hooks.example/a", "fail": "always", "status": 500}}],
    }


# ------------------------------------------------------------------ the Clock itself
@pytest.mark.parametrize("start", OUT_OF_RANGE)
def test_a_clock_cannot_start_outside_the_range(start):
    with pytest.raises(ClockRangeError):
        Clock(start)


def test_the_range_ends_are_valid_starts():
    assert Clock(EARLIEST).now() == EARLIEST
    assert Clock(iso(LATEST)).now() == LATEST


def test_an_advance_past_the_end_is_refused_and_moves_nothing():
    clock = Clock(LATEST - timedelta(seconds=10))
    with pytest.raises(ClockRangeError):
        clock.advance(11)
    with pytest.raises(ClockRangeError):
        clock.advance(1e300)  # far past what a datetime holds
    with pytest.raises(ClockRangeError):
        clock.move_to(LATEST + timedelta(seconds=1))
    assert clock.now() == LATEST - timedelta(seconds=10)
    assert clock.advance(10) == LATEST


def test_a_refused_restart_keeps_the_clock_as_it_was():
    clock = Clock("2024-06-01T09:00:00Z")
    with pytest.raises(ClockRangeError):
        clock.restart("9999-12-31T23:00:00Z")
    assert iso(clock.now()) == "2024-06-01T09:00:00Z"


def test_parse_instant_turns_an_unrepresentable_utc_instant_into_a_value_error():
    with pytest.raises(ValueError, match="outside the years 1-9999"):
        parse_instant("9999-12-31T23:59:59-05:00")
    with pytest.raises(ClockRangeError, match="between 1970-01-01T00:00:00Z and 9000-01-01T00:00:00Z"):
        checked_clock_instant("0001-01-01T00:00:00+05:00")


# ------------------------------------------------------------------ scenarios
@pytest.mark.parametrize("start", OUT_OF_RANGE)
def test_a_scenario_start_outside_the_range_is_a_422_that_changes_nothing(client, runtime, start):
    before = client.get("/__mock/clock").get_json()
    response = client.post("/__mock/scenarios", json=dellin_world(start))
    assert response.status_code == 422
    assert any("clock.start" in detail for detail in response.get_json()["error"]["details"])
    assert client.get("/__mock/clock").get_json() == before
    assert runtime.scenario["name"] == "default"


def test_a_scenario_load_that_fails_late_puts_the_clock_back(runtime, monkeypatch):
    before = runtime.clock.now()

    def broken(seed, config=None):
        raise RuntimeError("the store could not be built")

    monkeypatch.setattr(runtime.store, "reseed", broken)
    with pytest.raises(RuntimeError):
        runtime.load_scenario(dellin_world("2030-01-01T00:00:00Z"))
    assert runtime.clock.now() == before


# ------------------------------------------------------------------ the admin clock
def test_an_admin_advance_past_the_end_is_a_422_and_runs_nothing():
    app = create_app(scenario=dellin_world(iso(LATEST - timedelta(hours=1))))
    client = contract_client(app)
    trigger = client.post("/__mock/dellin/events", json={"orderNumber": "8216702228554", "eventType": "order.state.pickup"})
    assert trigger.status_code == 200
    pending = client.get("/__mock/dellin/deliveries").get_json()["pending"]
    assert len(pending) == 1

    response = client.post("/__mock/clock/advance", json={"by": "2h"})
    assert response.status_code == 422
    assert "9000-01-01T00:00:00Z" in response.get_json()["error"]["message"]
    assert client.get("/__mock/clock").get_json()["now"] == iso(LATEST - timedelta(hours=1))
    assert client.get("/__mock/dellin/deliveries").get_json()["pending"] == pending

    assert client.post("/__mock/clock/advance", json={"by": "1h"}).status_code == 200


# ------------------------------------------------------------------ what is derived from the clock
def test_at_the_end_of_the_range_logins_and_failing_webhooks_work():
    client = contract_client(create_app(scenario=dellin_world(iso(LATEST))))
    login = client.post("/v3/auth/login.json", json={"appkey": APPKEY, "login": "a@example.test", "password": "p"})
    assert login.status_code == 200
    trigger = client.post("/__mock/dellin/events", json={"orderNumber": "8216702228554", "eventType": "order.state.pickup"})
    assert trigger.status_code == 200
    [entry] = trigger.get_json()["deliveries"]
    assert (entry["outcome"], entry["next_retry_at"]) == ("failed", "9000-01-01T00:01:00Z")
    assert len(client.get("/__mock/dellin/deliveries").get_json()["deliveries"]) == 1


def test_at_the_start_of_the_range_a_rate_limit_works():
    scenario = {
        "name": "epoch",
        "clock": {"start": iso(EARLIEST)},
        "state": {"navixy": {"users": [{"hash": MASTER, "delivery_session": "0123456789abcdef0123456789abcdef"}]}},
        "faults": [{"when": {"api": "navixy"}, "rate_limit": {"calls": 1, "per": "1m"}, "respond": {"error": 15}}],
    }
    client = contract_client(create_app(scenario=scenario))
    assert client.post("/v2/user/session/delivery/read", json={"hash": MASTER}).status_code == 200
    limited = client.post("/v2/user/session/delivery/read", json={"hash": MASTER})
    assert limited.get_json()["status"]["code"] == 15


def test_a_seeded_session_expiry_outside_datetime_is_a_422(client):
    state = {"dellin": {"users": [{"login": "a", "sessions": [{"id": APPKEY, "expires_at": "0001-01-01T00:00:00+05:00"}]}]}}
    before = client.get("/__mock/state").get_json()
    response = client.put("/__mock/state", json=state)
    assert response.status_code == 422
    assert "expires_at" in response.get_json()["error"]["message"]
    assert client.get("/__mock/state").get_json() == before


# ------------------------------------------------------------------ state files
def test_a_state_file_with_a_clock_outside_the_range_refuses_to_start(tmp_path):
    path = tmp_path / "state.json"
    app = create_app()
    document = {"format": FORMAT, "state": runtime_of(app).dump_state(),
                "clock": {"mode": "virtual", "now": "9999-12-31T23:00:00Z"}}
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(StateFileError, match="clock.now"):
        create_app(state_file=str(path))
