"""Dellin's documented error table: every row can be injected by a fault rule
and renders with its title and HTTP status, the codes the mock used before the
table was known are refused with their replacements, and metadata.detail is a
setting."""
import pytest

from mockserver import create_app
from mockserver.dellin import errors
from mockserver.dellin.errors import DellinError, code_row, codes, retired_code
from mockserver.errors import profile_for
from mockserver.faults.checks import rule_problems
from mockserver.scenario.loader import ScenarioError, load
from tests.contract import contract_app, inject_error

from .helpers import APPKEY, SESSION

DOCS_PAGE = "https://dev.dellin.ru/api/errors/#error_"


@pytest.fixture(scope="module")
def faulted():
    return contract_app()


@pytest.mark.parametrize("code", sorted(codes()))
def test_every_documented_code_is_injectable_with_its_title_and_status(faulted, code):
    client = faulted.test_client()
    inject_error(client, "dellin.webhooks.list", code)
    response = client.post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": SESSION})
    row = codes()[code]
    assert response.status_code == row["status"]
    assert response.json["metadata"]["status"] == row["status"]
    assert response.json["metadata"]["detail"] == "abc"
    [problem] = response.json["errors"]
    assert (problem["code"], problem["title"], problem["link"]) == (code, row["title"], DOCS_PAGE + str(code))
    assert problem["detail"].startswith("injected by fault rule")


def test_the_table_is_the_docs_whole_table():
    assert len(codes()) == 69
    assert codes()[100005]["title"] == "Количество запросов к превышено"  # the docs' own typo, kept
    assert codes()[101008]["status"] == 401 and codes()[110007]["status"] == 400
    assert codes()[110010]["title"] == "Достигнут лимит"
    assert all(row["title"] == "Требуется авторизация" and row["status"] == 401
               for code, row in codes().items() if 101001 <= code <= 101007)


def test_the_code_lookup_for_other_parts_of_the_mock():
    assert code_row(110010)["status"] == 400
    assert code_row(3002) is None and code_row("110010") is None and code_row(True) is None
    profile = profile_for("dellin")
    assert profile.status_of(101001) == 401 and profile.title_of(100002) == "Метод не найден"
    body = DellinError.of(errors.NO_APPKEY, "x").body()
    assert profile.codes_in(body) == [101001]


@pytest.mark.parametrize("old, new", [(3002, "110010"), (1005, "100002"), (1012, "130008 or 110001"), (5000, "100006"),
                                      (2004, "101005"), (1016, "retired")])
def test_a_retired_code_in_a_fault_rule_names_its_replacement(old, new):
    [(where, message)] = rule_problems({"when": {"api": "dellin"}, "respond": {"error": old}})
    assert where == "respond.error"
    assert f"dellin error code {old} is retired" in message and new in message


def test_a_code_nobody_documents_is_refused():
    [(_, message)] = rule_problems({"when": {"api": "dellin"}, "respond": {"error": 123456}})
    assert "does not document error code 123456" in message


def test_every_retired_code_maps_to_documented_ones():
    for old in (1001, 1002, 1003, 1004, 1005, 1010, 1011, 1012, 1013, 1014, 1015, 1016,
                2001, 2002, 2003, 2004, 2005, 2006, 3001, 3002, 3003, 3004, 5000):
        assert all(code in codes() for code in retired_code(old)["new"])


def test_a_scenario_step_expecting_a_retired_code_is_refused_with_the_new_one():
    scenario = {
        "name": "old-codes",
        "steps": [{
            "request": {"method": "POST", "path": "/v1/webhooks/update", "json": {}},
            "expect": {"status": 400, "json": {"errors": [{"code": 3002}]}},
        }],
    }
    with pytest.raises(ScenarioError, match=r"steps\[0\]\.expect\.json\.errors\[0\]\.code: dellin error code 3002 is "
                                            r"retired: Dellin documents 110010"):
        load(scenario)


def test_metadata_detail_is_abc_by_default_or_the_first_title():
    for setting, expected in (("abc", "abc"), ("title", "Требуется авторизация")):
        app = create_app(dellin_metadata_detail=setting)
        response = app.test_client().post("/v1/webhooks", json={"appkey": APPKEY})
        assert response.json["metadata"]["detail"] == expected
    with pytest.raises(ValueError, match="dellin_metadata_detail must be one of abc, title"):
        create_app(dellin_metadata_detail="loud")


def test_the_openapi_document_lists_the_codes_of_each_status(faulted):
    document = faulted.test_client().get("/__mock/openapi.json").json
    responses = document["paths"]["/v1/webhooks"]["post"]["responses"]
    statuses = {str(row["status"]) for row in codes().values()}
    assert statuses <= set(responses)
    assert "110010 Достигнут лимит" in responses["400"]["description"]
    assert responses["401"]["x-error-codes"] == [101001, 101002, 101003, 101004, 101005, 101006, 101007, 101008, 101009]
    pinned = responses["401"]["content"]["application/json"]["schema"]["allOf"][1]
    assert pinned["properties"]["metadata"]["properties"]["status"]["enum"] == [401]
