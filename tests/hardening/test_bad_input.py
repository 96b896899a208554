"""The bad-input matrix: every endpoint of both mocked APIs against every kind
of hostile body. Each answer must come in that API's own envelope with the
right status and code, never a 5xx or HTML, and leave the state as it was.

Operations come from the route table, so a new endpoint is covered as soon as
it is registered; ``BASE_BODIES`` holds a well-formed body for the known
Dellin calls so that a case breaks exactly one thing.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from mockserver import create_app
from mockserver.registry import OPERATIONS
from mockserver.scenario import loader

from ..contract import ContractClient

MiB = 1024 * 1024
APPKEY = "00000000-0000-0000-0000-000000000000"
SESSION = "00000000-0000-0000-0000-000000000000"
UNKNOWN_HASH = "f" * 32
SUBSCRIPTION_ID = 2

NAVIXY_OPS = [op for op in OPERATIONS if op.api == "navixy"]
DELLIN_OPS = [op for op in OPERATIONS if op.api == "dellin"]
API_OPS = NAVIXY_OPS + DELLIN_OPS

_CREDENTIALS = {"appkey": APPKEY, "sessionID": SESSION}
BASE_BODIES = {
    "dellin.auth.login": {"appkey": APPKEY, "login": "info@info.ru", "password": "Password1"},
    "dellin.webhooks.update": {**_CREDENTIALS, "url": "https://hooks.example/new", "orderRoles": ["sender"]},
    "dellin.webhooks.delete": {**_CREDENTIALS, "ids": [SUBSCRIPTION_ID]},
    "dellin.orders.add": {**_CREDENTIALS, "orderNumbers": ["8216702228555"]},
    "dellin.orders.delete": {**_CREDENTIALS, "orderNumbers": ["8216702228554"]},
}


def base_body(operation) -> dict:
    if operation.api == "navixy":
        return {"hash": "22eac1c27af4be7b9d04da2ce1af111b"}
    return copy.deepcopy(BASE_BODIES.get(operation.name, _CREDENTIALS))


def credential_fields(operation) -> list[str]:
    if operation.api == "navixy":
        return ["hash"]
    return [name for name in ("appkey", "sessionID") if name in base_body(operation)]


def concrete_path(operation) -> str:
    return operation.path.replace("<id>", str(SUBSCRIPTION_ID)).replace("<int:id>", str(SUBSCRIPTION_ID))


@dataclass(frozen=True)
class Expect:
    status: int
    code: int
    field: str | None = None  # Dellin: a field the problem must name


# Dellin's auth parameters have their own codes when absent (docs), all HTTP 401
ABSENT_CREDENTIALS = {
    "appkey": Expect(401, 101001, "appkey"),
    "sessionID": Expect(401, 101003, "sessionID"),
}


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes | None
    content_type: str | None
    navixy: Expect
    dellin: Expect


def _json(value) -> bytes:
    return json.dumps(value).encode("utf-8")


def body_cases(operation) -> list[Case]:
    """The hostile bodies for one operation, each with the answer each API owes."""
    good = base_body(operation)
    key = credential_fields(operation)[0]
    cases = [
        Case("malformed JSON", b'{"hash": "abc",', "application/json", Expect(400, 5), Expect(401, 101008, "body")),
        # Dellin: no appkey (or login's appkey) comes first, with its own code and HTTP 401
        Case("empty body", b"", "application/json", Expect(400, 3), Expect(401, 101001, key)),
        Case("wrong content type", _json(good), "text/plain", Expect(400, 5), Expect(415, 100001, "body")),
        Case(
            "over 1 MiB",
            _json({**good, "padding": "x" * (MiB + 16)}),
            "application/json",
            Expect(412, 9),
            Expect(400, 130009, "body"),
        ),
        Case("non-UTF-8", b'{"hash": "\xff\xfe\xfa"}', "application/json", Expect(400, 5), Expect(401, 101008, "body")),
        Case(
            "10,000 levels of nesting",
            b'{"hash": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
            "application/json",
            Expect(400, 5),
            Expect(401, 101008, "body"),
        ),
        Case(
            "100,000-element array",
            _json({**good, key: list(range(100_000))}),
            "application/json",
            Expect(400, 7),
            Expect(400, 110002, key),
        ),
        Case("wrong type", _json({**good, key: 12345}), "application/json", Expect(400, 7), Expect(400, 110002, key)),
        # Navixy ignores unknown parameters (docs): the unknown hash decides the answer
        Case(
            "unknown fields",
            _json({**good, "hash": UNKNOWN_HASH, "surprise": {"nested": [1, 2]}} if operation.api == "navixy"
                  else {**good, "surprise": {"nested": [1, 2]}}),
            "application/json",
            Expect(400, 4),
            Expect(400, 110008, "surprise"),
        ),
        Case("JSON that is not an object", _json([good]), "application/json", Expect(400, 5), Expect(401, 101008, "body")),
        # a lone surrogate is not text: stored, it would break every later answer
        Case(
            "a lone surrogate escape",
            _json(good)[:-1] + b', "note": "\\ud800"}',
            "application/json",
            Expect(400, 5),
            Expect(401, 101008, "body"),
        ),
        Case("a duplicate key", _json(good)[:-1] + b', "' + key.encode() + b'": "x"}', "application/json",
             Expect(400, 5), Expect(401, 101008, "body")),
        Case("a number out of range", _json(good)[:-1] + b', "n": 1e400}', "application/json",
             Expect(400, 5), Expect(401, 101008, "body")),
    ]
    for name in credential_fields(operation):
        missing = {k: v for k, v in good.items() if k != name}
        absent = ABSENT_CREDENTIALS.get(name, Expect(400, 110003, name))
        cases.append(Case(f"missing {name}", _json(missing), "application/json", Expect(400, 3), absent))
    return cases


def _scenario() -> dict:
    """The default world plus a subscription, so ids in paths exist."""
    scenario = copy.deepcopy(loader.load("default"))
    user = scenario["state"]["dellin"]["users"][0]
    user["subscriptions"] = [
        {"id": SUBSCRIPTION_ID, "url": "https://hooks.example/dellin", "orderRoles": ["sender"],
         "orders": ["8216702228554"]}
    ]
    scenario["name"] = "bad-input"
    return scenario


@pytest.fixture(scope="module")
def matrix_app():
    return create_app(scenario=_scenario())


@pytest.fixture
def api(matrix_app):
    matrix_app.test_client_class = ContractClient
    return matrix_app.test_client()


def snapshot(app) -> dict:
    from mockserver.app import runtime_of

    mock = runtime_of(app)
    return {"state": mock.dump_state(), "pending": mock.dump_pending(), "now": mock.clock.now()}


def check_answer(response, api_name: str, expect: Expect) -> None:
    body = response.get_json()
    assert response.mimetype == "application/json"
    assert response.status_code == expect.status, body
    if api_name == "navixy":
        assert body["success"] is False
        assert body["status"]["code"] == expect.code, body
    else:
        assert body["metadata"]["status"] == expect.status
        found = [(e["code"], e["fields"]) for e in body["errors"]]
        assert any(code == expect.code and (expect.field is None or expect.field in fields) for code, fields in found), (
            f"expected code {expect.code} naming {expect.field}, got {found}"
        )


MATRIX = [
    pytest.param(operation, case, id=f"{operation.name}:{case.name}")
    for operation in API_OPS
    for case in body_cases(operation)
]


@pytest.mark.parametrize("operation,case", MATRIX)
def test_a_hostile_body_gets_the_apis_own_error_and_changes_nothing(matrix_app, api, operation, case):
    before = snapshot(matrix_app)
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    response = api.post(concrete_path(operation), data=case.data, headers=headers)
    check_answer(response, operation.api, getattr(case, operation.api))
    assert snapshot(matrix_app) == before


def _wrong_methods(operation) -> list[str]:
    taken = {m for op in OPERATIONS if op.path == operation.path for m in op.methods}
    return [m for m in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS") if m not in taken]


METHOD_MATRIX = [
    pytest.param(operation, method, id=f"{operation.name}:{method}")
    for operation in API_OPS
    for method in _wrong_methods(operation)
]


@pytest.mark.parametrize("operation,method", METHOD_MATRIX)
def test_a_method_the_endpoint_does_not_take_is_refused_in_the_apis_envelope(matrix_app, api, operation, method):
    before = snapshot(matrix_app)
    response = api.open(concrete_path(operation), method=method, json=base_body(operation))
    expect = Expect(400, 112) if operation.api == "navixy" else Expect(404, 100002)
    check_answer(response, operation.api, expect)
    assert snapshot(matrix_app) == before


@pytest.mark.parametrize("operation", NAVIXY_OPS, ids=lambda op: op.name)
def test_navixy_head_is_refused_not_a_get_without_its_answer(matrix_app, operation):
    # a HEAD run as GET would create a delivery session whose key nobody sees
    # (a plain client: a HEAD answer has no body to hold against a schema)
    before = snapshot(matrix_app)
    response = FlaskClient(matrix_app).open(concrete_path(operation), method="HEAD", query_string=base_body(operation))
    assert response.status_code == 400  # 112 "Wrong method": the docs give no status, so their default, 400
    assert response.headers["Allow"] == "GET, POST"
    assert snapshot(matrix_app) == before


@pytest.mark.parametrize("path", ["/v2//user/session/delivery/read", "/v1//webhooks", "/v1/webhooks//orders", "/__mock//health"])
def test_a_double_slash_is_not_found_in_the_apis_envelope_not_a_redirect(api, path):
    response = api.post(path, json={}) if not path.startswith("/__mock") else api.get(path)
    # Navixy's 111 "Wrong handler" has the docs' default status, 400
    assert response.status_code == (400 if path.startswith("/v2") else 404)
    assert response.mimetype == "application/json"
    assert "Location" not in response.headers


def test_every_dellin_call_is_post_only_so_get_is_in_the_method_matrix():
    assert DELLIN_OPS, "the Dellin route table is empty"
    assert all("GET" in _wrong_methods(op) for op in DELLIN_OPS)


@pytest.mark.parametrize("operation", NAVIXY_OPS, ids=lambda op: op.name)
@pytest.mark.parametrize(
    "query,expect",
    [({}, Expect(400, 3)), ({"hash": "NOT-HEX"}, Expect(400, 3)), ({"hash": UNKNOWN_HASH}, Expect(400, 4))],
    ids=["missing", "malformed", "unknown"],
)
def test_navixy_get_with_a_bad_query_hash_is_refused_and_changes_nothing(matrix_app, api, operation, query, expect):
    before = snapshot(matrix_app)
    check_answer(api.get(concrete_path(operation), query_string=query), "navixy", expect)
    assert snapshot(matrix_app) == before


@pytest.mark.parametrize("operation", NAVIXY_OPS, ids=lambda op: op.name)
def test_navixy_form_posts_that_cannot_be_read_are_refused(matrix_app, api, operation):
    before = snapshot(matrix_app)
    response = api.post(
        concrete_path(operation), data=b"hash=\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    check_answer(response, "navixy", Expect(400, 5))
    assert snapshot(matrix_app) == before


@pytest.mark.parametrize("by", ["1" * 40 + "x", "1" * 5000 + "m x", "1.5" * 2000])
def test_a_duration_built_to_backtrack_is_refused_at_once(api, by):
    # the old pattern (\d+...)+ took exponential time on a long run of digits
    response = api.post("/__mock/clock/advance", json={"by": by})
    assert response.status_code == 422
