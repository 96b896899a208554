"""The strategies of ``mockserver.strategies`` against the mock itself: what
they call valid, the mock accepts on input; what they call invalid, it refuses
in the API's own envelope; every body they draw holds against its schema; and
every state they draw loads."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.dellin import errors as dellin_codes
from mockserver.registry import OPERATIONS
from mockserver.schemas import default_schemas
from mockserver import strategies

DOCS_HASH = "22eac1c27af4be7b9d04da2ce1af111b"
DOCS_APPKEY = "00000000-0000-0000-0000-000000000000"
API_OPERATIONS = [op for op in OPERATIONS if op.api in ("navixy", "dellin")]
DELLIN_OPERATIONS = [op for op in API_OPERATIONS if op.api == "dellin"]
NAVIXY_OPERATIONS = [op for op in API_OPERATIONS if op.api == "navixy"]

# the codes that say "the request itself is wrong"; business refusals
# (an unknown subscription, the limit, credentials) are not among them
DELLIN_INPUT_CODES = {
    dellin_codes.PARSE_ERROR, dellin_codes.CONTENT_TYPE, dellin_codes.MISSING, dellin_codes.WRONG_TYPE,
    dellin_codes.WRONG_FORMAT, dellin_codes.INVALID_VALUE, dellin_codes.INVALID_SET, dellin_codes.LIST_TOO_LONG,
    dellin_codes.NOT_IN_DIRECTORY, dellin_codes.VALUE_TOO_LONG,
}
DELLIN_ABSENT_CREDENTIALS = {dellin_codes.NO_APPKEY, dellin_codes.NO_SESSION}
NAVIXY_INPUT_CODES = {3, 5, 7}
# draws per test and parameter; a longer run: MOCK_STRATEGY_EXAMPLES=500
EXAMPLES = int(os.environ.get("MOCK_STRATEGY_EXAMPLES", "10"))
DRAWS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def app():
    return create_app()


def _fresh(app):
    """The default scenario again: each draw starts from it."""
    runtime_of(app).reset()
    return app.test_client()


def _path(operation) -> str:
    return operation.path.replace("<id>", "2")


def _dellin_session(client) -> str:
    answer = client.post("/v3/auth/login.json", json={"appkey": DOCS_APPKEY, "login": "info@info.ru", "password": "Password1"})
    return answer.get_json()["data"]["sessionID"]


# ---------------------------------------------------------------- requests
@pytest.mark.parametrize("operation", DELLIN_OPERATIONS, ids=lambda op: op.name)
@DRAWS
@given(data=st.data())
def test_valid_dellin_draws_are_accepted_on_input(app, operation, data):
    client = _fresh(app)
    body = data.draw(strategies.requests(operation.name))
    if "sessionID" in body and data.draw(st.booleans(), label="with a real session"):
        body = {**body, "appkey": DOCS_APPKEY, "sessionID": _dellin_session(client)}
    answer = client.post(_path(operation), json=body)
    assert answer.status_code < 500
    codes = {e["code"] for e in answer.get_json().get("errors", [])}
    assert not codes & DELLIN_INPUT_CODES, answer.get_json()


@pytest.mark.parametrize("operation", DELLIN_OPERATIONS, ids=lambda op: op.name)
@DRAWS
@given(data=st.data())
def test_invalid_dellin_draws_are_refused_in_dellins_envelope(app, operation, data):
    client = _fresh(app)
    body = data.draw(strategies.requests(operation.name, valid=False))
    answer = client.post(_path(operation), json=body)
    document = answer.get_json()
    assert default_schemas().is_valid("dellin/error.schema.json", document), document
    # a request without appkey or sessionID is refused for that first, with HTTP 401 (docs)
    first = document["errors"][0]["code"]
    assert answer.status_code == document["metadata"]["status"] == (401 if first in DELLIN_ABSENT_CREDENTIALS else 400)
    assert {e["code"] for e in document["errors"]} <= DELLIN_INPUT_CODES | DELLIN_ABSENT_CREDENTIALS


@pytest.mark.parametrize("operation", NAVIXY_OPERATIONS, ids=lambda op: op.name)
@DRAWS
@given(data=st.data())
def test_navixy_draws_are_judged_as_the_strategy_says(app, operation, data):
    client = _fresh(app)
    valid = data.draw(st.booleans(), label="valid")
    params = data.draw(strategies.requests(operation.name, valid=valid))
    if valid and data.draw(st.booleans(), label="a known user"):
        params = {**params, "hash": DOCS_HASH}
    document = client.post(_path(operation), json=params).get_json()
    if valid:
        assert document.get("success") or document["status"]["code"] not in NAVIXY_INPUT_CODES, document
    else:
        assert default_schemas().is_valid("navixy/error.schema.json", document), document
        assert document["status"]["code"] in NAVIXY_INPUT_CODES


@given(st.sampled_from(DELLIN_OPERATIONS).flatmap(lambda op: strategies.requests(op.name, valid=False).map(lambda b: (op, b))))
@settings(max_examples=2 * EXAMPLES, deadline=None)
def test_invalid_draws_break_their_schema(pair):
    operation, body = pair
    assert not default_schemas().is_valid(operation.request_schema, body)


def test_an_unknown_operation_is_refused_by_name():
    with pytest.raises(ValueError, match="no mocked operation named 'dellin.nope'"):
        strategies.requests("dellin.nope")


# ---------------------------------------------------------------- bodies
@pytest.mark.parametrize("operation", API_OPERATIONS, ids=lambda op: op.name)
@DRAWS
@given(data=st.data())
def test_response_draws_hold_against_their_schema(operation, data):
    body = data.draw(strategies.responses(operation.name))
    assert default_schemas().is_valid(operation.response_schema, body), body


@pytest.mark.parametrize("api", ["navixy", "dellin"])
@settings(max_examples=2 * EXAMPLES, deadline=None)
@given(data=st.data())
def test_error_draws_carry_documented_codes_with_their_status(api, data):
    body = data.draw(strategies.errors(api))
    assert default_schemas().is_valid(f"{api}/error.schema.json", body), body
    table = {int(row["code"]): row for row in default_schemas().data(f"{api}/errors.json")["codes"]}
    if api == "navixy":
        row = table[body["status"]["code"]]
        assert body["status"]["description"] == row["description"]
    else:
        first = table[body["errors"][0]["code"]]
        assert body["metadata"]["status"] == int(first["status"])
        for error in body["errors"]:
            assert error["title"] == table[error["code"]]["title"]


@pytest.mark.parametrize("event_type", [None, "order.state.pickup"])
@DRAWS
@given(data=st.data())
def test_notification_draws_hold_against_the_notification_schema(event_type, data):
    body = data.draw(strategies.notifications(event_type))
    assert default_schemas().is_valid("dellin/notification.schema.json", body), body
    if event_type:
        assert body["eventType"] == event_type


def test_an_unknown_api_has_no_errors():
    with pytest.raises(ValueError, match="navixy or dellin"):
        strategies.errors("fedex")


# ---------------------------------------------------------------- states
@settings(max_examples=2 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(state=strategies.states())
def test_state_draws_load(app, state):
    client = _fresh(app)
    answer = client.put("/__mock/state", json=state)
    assert answer.status_code == 200, answer.get_json()
    dumped = client.get("/__mock/state").get_json()
    navixy_hashes = {u["hash"] for u in dumped.get("navixy", {}).get("users", [])}
    assert navixy_hashes == {u["hash"] for u in state.get("navixy", {}).get("users", [])}
