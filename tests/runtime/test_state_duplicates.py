"""A state that lists the same thing twice is refused, never merged: through
PUT /__mock/state (422 inconsistent_state), a scenario loaded at run time, a
scenario the mock starts with, and a saved state file."""
import json

import pytest

from mockserver import create_app
from mockserver.persistence import StateFileError, read_snapshot, restore
from mockserver.scenario.loader import ScenarioError, load

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
OTHER = "0123456789abcdef0123456789abcdef"

TWO_USERS_ONE_HASH = {"navixy": {"users": [{"hash": MASTER, "demo": True}, {"hash": MASTER, "master": False}]}}
TWO_ORDER_ROWS_ONE_NUMBER = {"dellin": {"users": [{"login": "a@b.ru", "orders": [
    {"number": "8216702228554", "roles": ["sender"]}, {"number": "8216702228554", "roles": ["payer"]},
]}]}}
DUPLICATES = [
    (TWO_USERS_ONE_HASH, "users[1].hash", f"the hash '{MASTER}' appears twice"),
    (TWO_ORDER_ROWS_ONE_NUMBER, "users[0].orders[1].number", "the order '8216702228554' appears twice"),
]


@pytest.mark.parametrize("state, where, what", DUPLICATES)
def test_put_state_refuses_a_duplicate_and_changes_nothing(client, state, where, what):
    before = client.get("/__mock/state").json
    answer = client.put("/__mock/state", json=state)
    assert answer.status_code == 422
    assert answer.json["error"] == {"message": f"{where}: {what}", "details": ["inconsistent_state"]}
    assert client.get("/__mock/state").json == before


@pytest.mark.parametrize("state, where, what", DUPLICATES)
def test_a_scenario_with_a_duplicate_is_refused_whole(client, state, where, what):
    before = (client.get("/__mock/state").json, client.get("/__mock/clock").json)
    answer = client.post("/__mock/scenarios", json={"name": "twice", "clock": {"start": "2030-01-01T00:00:00Z"},
                                                    "state": state})
    assert answer.status_code == 422
    section = next(iter(state))
    assert answer.json["error"]["details"] == [f"at state.{section}.{where}: {what}"]
    assert (client.get("/__mock/state").json, client.get("/__mock/clock").json) == before


@pytest.mark.parametrize("state, where, what", DUPLICATES)
def test_a_start_up_scenario_with_a_duplicate_is_a_scenario_error(state, where, what):
    # serve and validate report a ScenarioError (file and place), not a traceback
    with pytest.raises(ScenarioError, match=r"at state\.\w+\." + where.replace("[", r"\[").replace("]", r"\]")):
        create_app(scenario={"name": "twice", "state": state})
    with pytest.raises(ScenarioError, match=what):
        load({"name": "twice", "state": state})


def test_the_dellin_duplicates_refused_before_still_are_and_in_the_loader_too():
    state = {"dellin": {"users": [{"login": "a@b.ru"}, {"login": "a@b.ru"}]}}
    with pytest.raises(ScenarioError, match=r"at state\.dellin\.users\[1\]\.login: the login 'a@b.ru' appears twice"):
        load({"name": "twice", "state": state})


def test_a_problem_without_a_place_is_reported_under_its_section():
    state = {"dellin": {"next_subscription_id": 1, "users": [{"login": "a@b.ru", "subscriptions": [{"id": 3}]}]}}
    with pytest.raises(ScenarioError, match=r"at state\.dellin: next_subscription_id 1 must be above"):
        load({"name": "ids", "state": state})


def test_the_same_number_for_two_users_and_distinct_hashes_are_fine(client):
    state = {
        "navixy": {"users": [{"hash": MASTER}, {"hash": OTHER}]},
        "dellin": {"users": [
            {"login": "a@b.ru", "orders": [{"number": "1", "roles": ["sender"]}]},
            {"login": "c@d.ru", "orders": [{"number": "1", "roles": ["payer"]}]},
        ]},
    }
    answer = client.put("/__mock/state", json=state)
    assert answer.status_code == 200
    assert [u["hash"] for u in answer.json["navixy"]["users"]] == [MASTER, OTHER]
    assert [u["orders"] for u in answer.json["dellin"]["users"]] == [
        [{"number": "1", "roles": ["sender"]}], [{"number": "1", "roles": ["payer"]}]
    ]


def test_a_subscription_that_lists_an_order_twice_is_refused_by_the_schema(client):
    state = {"dellin": {"users": [{"login": "a@b.ru", "subscriptions": [{"id": 1, "orders": ["1", "1"]}]}]}}
    answer = client.put("/__mock/state", json=state)
    assert answer.status_code == 422
    assert answer.json["error"]["details"][0]["path"] == "dellin.users[0].subscriptions[0].orders"


def test_a_saved_state_file_with_a_duplicate_does_not_restore(tmp_path, runtime, schemas):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format": "mockserver-state/1", "state": TWO_USERS_ONE_HASH,
                                "clock": {"mode": "virtual", "now": "2024-06-01T09:00:00Z"}}))
    before = runtime.dump_state()
    with pytest.raises(StateFileError, match="appears twice"):
        restore(runtime, read_snapshot(path, schemas), path)
    assert runtime.dump_state() == before
