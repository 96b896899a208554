"""The served OpenAPI document: valid, complete, and generated, not written."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openapi_spec_validator import validate

from mockserver.openapi import build_document, openapi_path
from mockserver.registry import OPERATIONS

from ..processes import REPO

IGNORED_RULES = {"/static/<path:filename>"}


@pytest.fixture
def document(client):
    response = client.get("/__mock/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def served_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule in IGNORED_RULES:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((openapi_path(rule.rule), method.lower()))
    return routes


def documented_routes(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_the_served_document_validates_as_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_served_route_is_documented_and_every_documented_path_is_served(app, document):
    served, documented = served_routes(app), documented_routes(document)
    assert served - documented == set(), "served but not documented"
    assert documented - served == set(), "documented but not served"


def test_every_operation_of_the_route_table_is_in_the_document_under_its_tag(document):
    by_id = {
        op["operationId"]: op for item in document["paths"].values() for op in item.values()
    }
    for operation in OPERATIONS:
        ids = [operation.name] if len(operation.methods) == 1 else [
            f"{operation.name}.{m.lower()}" for m in operation.methods
        ]
        for operation_id in ids:
            assert by_id[operation_id]["tags"] == [operation.api]


def test_the_document_stands_alone_every_ref_points_inside_it(document):
    refs = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    refs.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    assert refs
    for ref in refs:
        assert ref.startswith("#/"), ref
        node = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        assert isinstance(node, dict), ref


def test_error_responses_follow_each_api_error_table(document, schemas):
    navixy = document["paths"]["/v2/user/session/delivery/create"]["post"]["responses"]
    statuses = {str(row["http"]) for row in schemas.data("navixy/errors.json")["codes"]}
    assert statuses <= set(navixy)
    for status in statuses:
        schema = navixy[status]["content"]["application/json"]["schema"]
        # the envelope, with the code pinned to the table's codes of that status
        codes = sorted(row["code"] for row in schemas.data("navixy/errors.json")["codes"] if str(row["http"]) == status)
        assert schema["allOf"][0] == {"$ref": "#/components/schemas/navixy.error"}
        assert schema["allOf"][1]["properties"]["status"]["properties"]["code"]["enum"] == codes
    # fault-injectable codes are documented too
    assert {"500", "503", "429"} <= set(navixy)


def test_flask_rules_become_openapi_paths_with_typed_parameters(schemas):
    from mockserver.operation import Operation

    assert openapi_path("/v1/webhooks/<int:id>/orders") == "/v1/webhooks/{id}/orders"
    assert openapi_path("/v1/webhooks/<id>") == "/v1/webhooks/{id}"
    # a parameter the operation names no schema for takes its converter's
    operation = Operation(name="admin.x", api="admin", path="/__mock/x/<int:id>", methods=("GET",), summary="x")
    built = build_document([operation], schemas)
    assert built["paths"]["/__mock/x/{id}"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
    ]


def test_each_parameter_has_the_schema_the_server_checks_it_against(document):
    subscription = document["paths"]["/v1/webhooks/{id}"]["post"]["parameters"]
    assert subscription == [{"name": "id", "in": "path", "required": True,
                             "schema": {"$ref": "#/components/schemas/dellin.common/$defs/subscriptionId"}}]
    hash_schema = {"$ref": "#/components/schemas/navixy.common/$defs/hash"}
    read = document["paths"]["/v2/user/session/delivery/read"]
    # a GET has no body: its query must carry the hash; a POST's body does
    assert read["get"]["parameters"] == [{"name": "hash", "in": "query", "required": True, "schema": hash_schema}]
    assert read["post"]["parameters"] == [{"name": "hash", "in": "query", "required": False, "schema": hash_schema}]
    assert read["post"]["requestBody"]["required"] is True
    assert set(read["post"]["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    journal = {p["name"]: p["schema"] for p in document["paths"]["/__mock/requests"]["get"]["parameters"]}
    assert journal == {name: {"$ref": f"#/components/schemas/admin.journal_query/properties/{name}"}
                       for name in ("api", "operation", "status", "since", "limit")}
    # a reset's body is optional; a scenario comes as JSON or YAML
    assert document["paths"]["/__mock/reset"]["post"]["requestBody"]["required"] is False
    assert set(document["paths"]["/__mock/scenarios"]["post"]["requestBody"]["content"]) == {
        "application/json", "application/yaml"}


def test_the_journal_names_exactly_the_journaled_operations(schemas):
    from mockserver.registry import OPERATIONS

    listed = schemas.documents["admin/journal_query.schema.json"]["properties"]["operation"]["enum"]
    assert sorted(listed) == sorted(op.name for op in OPERATIONS if op.api in ("navixy", "dellin"))


def test_a_new_schema_reference_is_bundled_and_rewritten(schemas):
    from mockserver.operation import Operation

    operation = Operation(
        name="admin.state.put", api="admin", path="/__mock/state", methods=("PUT",), summary="x",
        request_schema="state.schema.json", error_schema="admin/error.schema.json",
    )
    built = build_document([operation], schemas)
    components = built["components"]["schemas"]
    # state.schema.json refers to dellin/ and navixy/ files: both come along
    assert {"state", "dellin.state", "navixy.common"} <= set(components)
    user = components["state"]["$defs"]["navixyUser"]["properties"]["hash"]
    assert user == {"$ref": "#/components/schemas/navixy.common/$defs/hash"}
    validate(built)


def test_the_cli_prints_the_same_document(document):
    out = subprocess.run(
        [sys.executable, "-m", "mockserver", "openapi"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == document


@pytest.mark.parametrize("text", ["2024-07-01", "2024-07-01 09:00:00Z", "2024-07-01T09:00:00", "2024-07-01T09:00Z"])
def test_a_date_time_is_exactly_what_the_document_calls_one(client, text):
    state = client.get("/__mock/state").get_json()
    user = state["dellin"]["users"][0]
    user["sessions"] = [{"id": "s1", "appkey": state["dellin"]["appkeys"][0], "expires_at": text}]
    assert client.put("/__mock/state", json=state).status_code == 422
    assert client.get("/__mock/requests", query_string={"since": text}).status_code == 400
    assert client.post("/__mock/requests/count", json={"since": text}).status_code == 422
    for valid in ("2024-07-01T09:00:00Z", "2024-07-01t09:00:00.5+03:00", "0001-01-01T00:00:00+01:00"):
        assert client.get("/__mock/requests", query_string={"since": valid}).status_code == 200
