"""Navixy's documented error table, whole: every code is injectable by a fault
rule with its documented HTTP status and description; 111 and 112 have the
docs' default status."""

import pytest

from mockserver.faults.checks import rule_problems
from mockserver.navixy import errors
from mockserver.navixy.errors import NavixyError, code_row, codes
from tests.contract import contract_app, inject_error

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


@pytest.fixture(scope="module")
def faulted():
    return contract_app()


@pytest.mark.parametrize("code", sorted(codes()))
def test_every_documented_code_is_injectable_with_its_status_and_description(faulted, code):
    client = faulted.test_client()
    inject_error(client, "navixy.delivery.read", code)
    response = client.post("/v2/user/session/delivery/read", json={"hash": MASTER})
    row = codes()[code]
    assert response.status_code == row["http"]
    assert response.json == {"success": False, "status": {"code": code, "description": row["description"]}}


def test_the_general_codes_are_all_there_with_the_docs_statuses():
    general = {1: 500, 2: 403, 3: 400, 4: 400, 5: 400, 6: 500, 7: 400, 8: 503, 9: 412, 11: 403, 12: 400, 13: 403,
               14: 503, 15: 429}
    assert {code: codes()[code]["http"] for code in general} == general
    assert all(400 <= row["http"] <= 599 for row in codes().values())
    assert len(codes()) > 90


def test_unknown_codes_are_still_refused():
    [(where, message)] = rule_problems({"when": {"api": "navixy"}, "respond": {"error": 10}})
    assert where == "respond.error" and "navixy does not document error code 10" in message
    assert code_row(10) is None and code_row(True) is None


def test_the_named_codes_are_documented():
    named = {value for name, value in vars(errors).items() if name.isupper() and isinstance(value, int)}
    assert named <= set(codes())
    sent = {code for code, row in codes().items() if "when" in row}
    assert sent <= named


def test_wrong_handler_and_wrong_method_have_the_default_status(faulted):
    client = faulted.test_client()
    handler = client.post("/v2/user/nope", json={"hash": MASTER})
    assert (handler.status_code, handler.json["status"]["code"]) == (400, 111)
    method = client.put("/v2/user/session/delivery/read", json={"hash": MASTER})
    assert (method.status_code, method.json["status"]["code"]) == (400, 112)
    assert method.headers["Allow"] == "POST, GET" or method.headers["Allow"] == "GET, POST"
    assert NavixyError(111).http_status == NavixyError(112).http_status == 400


def test_the_openapi_document_lists_the_codes_of_each_status(faulted):
    document = faulted.test_client().get("/__mock/openapi.json").json
    responses = document["paths"]["/v2/user/session/delivery/create"]["post"]["responses"]
    assert {str(row["http"]) for row in codes().values()} <= set(responses)
    assert "14 Database unavailable" in responses["503"]["description"]
