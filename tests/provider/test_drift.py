"""Drift findings for one exchange: each kind, its JSON pointer, masking."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from mockserver.contract.drift import check_exchange, pointer
from mockserver.contract.error_tables import documented_status
from mockserver.contract.exchange import Exchange

HASH = "22eac1c27af4be7b9d04da2ce1af111b"
DELLIN = {"appkey": "00000000-0000-0000-0000-000000000000", "sessionID": "00000000-0000-0000-0000-000000000001"}
GENERATED = "2024-06-01 09:00:00"
SUBSCRIPTION = {"id": 2, "url": "https://hooks.example/dellin", "orderRoles": ["sender"], "state": "enabled"}


def exchange(method, path, request, status, response, query=(), headers=None, raw=None):
    return Exchange(
        method=method, path=path, query=list(query),
        request_headers=headers if headers is not None else {"Content-Type": "application/json"},
        request_body=b"" if request is None else json.dumps(request).encode(),
        status=status, response_headers={"Content-Type": "application/json"},
        response_body=raw if raw is not None else json.dumps(response).encode(),
    )


def kinds(found):
    return {(f.kind, f.path, f.direction) for f in found}


def dellin_get(status=200, **changes):
    body = {"metadata": {"status": 200, "generated_at": GENERATED}, "data": {**SUBSCRIPTION, **changes}}
    return exchange("POST", "/v1/webhooks/2", DELLIN, status, body)


def test_an_answer_as_documented_has_no_findings():
    assert check_exchange(dellin_get()) == []
    ok = exchange("POST", "/v2/user/session/delivery/create", {"hash": HASH}, 200, {"success": True, "value": "a" * 32})
    assert check_exchange(ok) == []


def test_each_kind_of_difference_in_a_success_body():
    body = {"metadata": {"status": 200}, "data": {**SUBSCRIPTION, "id": "2", "state": "paused", "extra": {"a": 1}}}
    found = check_exchange(exchange("POST", "/v1/webhooks/2", DELLIN, 200, body))
    assert kinds(found) == {
        ("missing_field", "/metadata/generated_at", "response"),
        ("type_changed", "/data/id", "response"),
        ("invalid_value", "/data/state", "response"),
        ("unexpected_field", "/data/extra", "response"),
    }
    changed = next(f for f in found if f.kind == "type_changed")
    assert (changed.operation, changed.status, changed.expected, changed.actual) == (
        "dellin.webhooks.get", 200, "integer", "string")


def test_navixy_error_codes_are_held_against_the_table():
    unknown = exchange("POST", "/v2/user/session/delivery/create", {"hash": HASH}, 400,
                       {"success": False, "status": {"code": 99999, "description": "?"}})
    assert kinds(check_exchange(unknown)) == {("unknown_code", "/status/code", "response")}
    wrong_status = exchange("POST", "/v2/user/session/delivery/create", {"hash": HASH}, 400,
                            {"success": False, "status": {"code": 236, "description": "tariff"}})
    [finding] = check_exchange(wrong_status)
    assert (finding.kind, finding.expected, finding.actual) == ("status_mismatch", documented_status("navixy", 236), 400)


def test_dellin_error_codes_and_envelope_status_are_held_against_the_table():
    code = next(iter(_dellin_table()))
    documented = documented_status("dellin", code)
    body = {"metadata": {"status": documented + 1, "detail": "x", "generated_at": GENERATED},
            "errors": [{"code": code, "title": "t", "detail": "d", "link": "l", "fields": []},
                       {"code": 1, "title": "t", "detail": "d", "link": "l", "fields": []}]}
    found = check_exchange(exchange("POST", "/v1/webhooks/2", DELLIN, documented, body))
    assert kinds(found) == {
        ("status_mismatch", "/metadata/status", "response"),
        ("unknown_code", "/errors/1/code", "response"),
    }


def _dellin_table():
    from mockserver.schemas import default_schemas

    return {row["code"]: row for row in default_schemas().data("dellin/errors.json")["codes"]}


@pytest.mark.parametrize("raw, content_type", [(b"<html>502 Bad Gateway</html>", "text/html"), (b"[1, 2]", None)])
def test_a_body_outside_the_envelope_is_a_broken_envelope(raw, content_type):
    found = check_exchange(exchange("POST", "/v1/webhooks/2", DELLIN, 502, None, raw=raw))
    assert [(f.kind, f.path) for f in found] == [("broken_envelope", "")]


def test_a_navixy_body_without_success_is_a_broken_envelope():
    found = check_exchange(exchange("GET", "/v2/user/session/delivery/read", None, 200, {"value": "x"},
                                    query=[("hash", HASH)], headers={}))
    assert [(f.kind, f.path) for f in found] == [("broken_envelope", "/success")]


def test_success_and_error_bodies_must_agree_with_the_status():
    assert kinds(check_exchange(dellin_get(status=201 + 299))) == {("status_mismatch", "", "response")}
    navixy = exchange("POST", "/v2/user/session/delivery/read", {"hash": HASH}, 200,
                      {"success": False, "status": {"code": 201, "description": "Not found in database"}})
    assert ("status_mismatch", "", "response") in kinds(check_exchange(navixy))


def test_a_request_the_schema_refuses_is_drift_only_when_the_provider_accepts_it():
    body = {"metadata": {"status": 200, "generated_at": GENERATED}, "data": SUBSCRIPTION}
    accepted = exchange("POST", "/v1/webhooks/2", {**DELLIN, "verbose": True}, 200, body)
    assert kinds(check_exchange(accepted)) == {("unexpected_field", "/verbose", "request")}
    refused = {"metadata": {"status": 400, "detail": "x", "generated_at": GENERATED},
               "errors": [{"code": code, "title": "t", "detail": "d", "link": "l", "fields": ["verbose"]}
                          for code in [next(c for c, r in _dellin_table().items() if r["status"] == 400)]]}
    assert check_exchange(exchange("POST", "/v1/webhooks/2", {**DELLIN, "verbose": True}, 400, refused)) == []


def test_navixy_requests_are_read_from_query_body_and_header():
    answer = {"success": True, "value": "b" * 32}
    by_header = exchange("POST", "/v2/user/session/delivery/read", None, 200, answer,
                         headers={"Authorization": f"NVX {HASH}"})
    assert check_exchange(by_header) == []
    malformed = exchange("GET", "/v2/user/session/delivery/read", None, 200, answer, query=[("hash", "XYZ")],
                         headers={})
    [finding] = check_exchange(malformed)
    assert (finding.direction, finding.path, finding.actual) == ("request", "/hash", "***")


def test_values_that_are_credentials_are_masked():
    echoed = exchange("POST", "/v2/user/session/delivery/read", {"hash": HASH}, 200,
                      {"success": True, "value": "c" * 32, "note": f"for {HASH}", "appkey": "k-123456"})
    found = {f.path: f.actual for f in check_exchange(echoed)}
    assert found == {"/note": "for ***", "/appkey": "***"}


def test_a_path_no_operation_has_is_not_checked():
    assert check_exchange(exchange("POST", "/v2/tracker/list", {"hash": HASH}, 200, {"success": True})) is None
    assert check_exchange(exchange("GET", "/v1/webhooks", None, 405, {})) is None  # Dellin takes POST only


@given(st.lists(st.one_of(st.text(max_size=5), st.integers(0, 99)), max_size=5))
@settings(max_examples=50)
def test_pointers_follow_rfc_6901(parts):
    text = pointer(parts)
    decoded = [p.replace("~1", "/").replace("~0", "~") for p in text.split("/")[1:]]
    assert decoded == [str(p) for p in parts]
