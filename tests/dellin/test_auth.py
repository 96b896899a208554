"""Dellin authorization: login, logout, session_info, expiry and appkeys."""
import uuid

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from tests.contract import ContractClient

from .helpers import APPKEY, LOGIN, PASSWORD, SESSION, codes_of, empty_world, first_error

LOGIN_PATH = "/v3/auth/login.json"
LOGOUT_PATH = "/v3/auth/logout.json"
INFO_PATH = "/v3/auth/session_info.json"


def login(client, appkey=APPKEY, login_=LOGIN, password=PASSWORD):
    return client.post(LOGIN_PATH, json={"appkey": appkey, "login": login_, "password": password})


def test_login_gives_a_fresh_uuid_session_in_the_docs_envelope(client):
    response = login(client)
    assert response.status_code == 200
    body = response.json
    assert body["metadata"] == {"status": 200, "generated_at": "2024-06-01 09:00:00"}
    assert set(body) == {"metadata", "data"}
    assert str(uuid.UUID(body["data"]["sessionID"])) == body["data"]["sessionID"]
    assert login(client).json["data"]["sessionID"] != body["data"]["sessionID"]


def test_a_new_session_works_for_the_webhook_api(client):
    session = login(client).json["data"]["sessionID"]
    response = client.post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": session})
    assert response.status_code == 200
    assert [s["id"] for s in response.json["data"]] == [2, 3]


@pytest.mark.parametrize(
    "appkey, login_, password, code, fields",
    [
        ("ffffffff-0000-0000-0000-000000000000", LOGIN, PASSWORD, 101002, ["appkey"]),
        (APPKEY, LOGIN, "wrong", 101006, ["login", "password"]),
        (APPKEY, "nobody@info.ru", PASSWORD, 101006, ["login", "password"]),
    ],
)
def test_login_errors(client, appkey, login_, password, code, fields):
    response = login(client, appkey, login_, password)
    assert response.status_code == 401
    assert codes_of(response) == [code]
    assert first_error(response)["fields"] == fields


def test_login_checks_its_parameters(client):
    response = client.post(LOGIN_PATH, json={"appkey": APPKEY, "login": 5})
    assert response.status_code == 400
    assert {(e["code"], tuple(e["fields"])) for e in response.json["errors"]} == {
        (110002, ("login",)),
        (110003, ("password",)),
    }


def test_session_info_describes_the_session(client):
    session = login(client).json["data"]["sessionID"]
    response = client.post(INFO_PATH, json={"appkey": APPKEY, "sessionID": session})
    assert response.status_code == 200
    assert response.json["data"] == {"sessionID": session, "login": LOGIN, "expire_time": "2024-07-01 09:00:00"}


def test_logout_ends_the_session(client):
    session = login(client).json["data"]["sessionID"]
    response = client.post(LOGOUT_PATH, json={"appkey": APPKEY, "sessionID": session})
    assert response.status_code == 200
    assert response.json["data"] == {"state": "success"}
    for path in (INFO_PATH, LOGOUT_PATH, "/v1/webhooks"):
        again = client.post(path, json={"appkey": APPKEY, "sessionID": session})
        assert (again.status_code, codes_of(again)) == (401, [101005])


def test_unknown_session(client):
    response = client.post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": str(uuid.uuid4())})
    assert (response.status_code, codes_of(response)) == (401, [101005])
    assert first_error(response)["fields"] == ["sessionID"]


def test_unknown_appkey_is_checked_before_the_session(client):
    response = client.post("/v1/webhooks", json={"appkey": "nope", "sessionID": "nope"})
    assert codes_of(response) == [101002]


def test_sessions_expire_on_the_mock_clock(app, client, runtime):
    session = login(client).json["data"]["sessionID"]
    runtime.advance_clock(30 * 86400 - 1)
    assert client.post(INFO_PATH, json={"appkey": APPKEY, "sessionID": session}).status_code == 200
    runtime.advance_clock(1)
    response = client.post(INFO_PATH, json={"appkey": APPKEY, "sessionID": session})
    assert (response.status_code, codes_of(response)) == (401, [101004])
    # the seeded session expires 30 days after the state was loaded
    seeded = client.post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": SESSION})
    assert codes_of(seeded) == [101004]
    # and a fresh login works again
    assert login(client).status_code == 200


def test_session_lifetime_is_configurable():
    app = create_app(dellin_session_ttl_seconds=60)
    app.test_client_class = ContractClient
    client = app.test_client()
    session = login(client).json["data"]["sessionID"]
    runtime_of(app).advance_clock(60)
    assert codes_of(client.post(INFO_PATH, json={"appkey": APPKEY, "sessionID": session})) == [101004]


def test_a_session_is_bound_to_the_appkey_it_was_opened_with():
    second = "22222222-2222-2222-2222-222222222222"
    app = create_app(scenario=empty_world(appkeys=[APPKEY, second]))
    app.test_client_class = ContractClient
    client = app.test_client()
    session = login(client).json["data"]["sessionID"]
    response = client.post("/v1/webhooks", json={"appkey": second, "sessionID": session})
    assert (response.status_code, codes_of(response)) == (401, [101005])
    # a seeded session is usable with any listed appkey
    assert client.post("/v1/webhooks", json={"appkey": second, "sessionID": SESSION}).status_code == 200


def test_a_user_without_password_cannot_log_in():
    scenario = empty_world()
    scenario["state"]["dellin"]["users"].append({"login": "nopass@info.ru"})
    app = create_app(scenario=scenario)
    app.test_client_class = ContractClient
    response = login(app.test_client(), login_="nopass@info.ru", password="x")
    assert codes_of(response) == [101006]


def test_session_state_round_trips_through_a_dump(app, client, runtime):
    session = login(client).json["data"]["sessionID"]
    client.post(LOGOUT_PATH, json={"appkey": APPKEY, "sessionID": SESSION})
    runtime.replace_state(runtime.dump_state())
    assert client.post(INFO_PATH, json={"appkey": APPKEY, "sessionID": session}).status_code == 200
    assert codes_of(client.post(INFO_PATH, json={"appkey": APPKEY, "sessionID": SESSION})) == [101005]
