"""The Dellin contracts in schemas/ agree with the code and docs/dellin.md."""
import re
from pathlib import Path

import pytest

from mockserver.dellin import errors, operations, rules
from mockserver.dellin.errors import codes as dellin_codes

README = Path(__file__).resolve().parents[2] / "docs" / "dellin.md"


def test_every_operation_names_existing_schemas(schemas):
    for operation in operations.OPERATIONS:
        for name in (operation.request_schema, operation.response_schema, operation.error_schema):
            assert name in schemas.documents, f"{operation.name}: {name} is missing"
            schemas.validator(name)  # compiles


def test_every_operation_is_post_only():
    assert {op.methods for op in operations.OPERATIONS} == {("POST",)}


def test_operation_names_follow_the_spec():
    assert {op.name for op in operations.OPERATIONS} >= {
        "dellin.auth.login", "dellin.webhooks.update", "dellin.webhooks.delete", "dellin.webhooks.list",
        "dellin.webhooks.get", "dellin.orders.add", "dellin.orders.delete", "dellin.orders.list",
    }


def _named_codes() -> set[int]:
    return {value for name, value in vars(errors).items() if name.isupper() and isinstance(value, int)}


def test_every_named_code_is_documented_and_every_code_the_mock_sends_is_named():
    sent = {code for code, row in dellin_codes().items() if "mock" in row}
    assert _named_codes() <= set(dellin_codes())
    assert sent == _named_codes()


def test_schema_limits_match_the_rules(schemas):
    common = schemas.data("dellin/common.schema.json")["$defs"]
    change = schemas.data("dellin/orders_change_request.schema.json")["properties"]["orderNumbers"]
    listing = schemas.data("dellin/orders_list_request.schema.json")["properties"]
    delete = schemas.data("dellin/webhooks_delete_request.schema.json")["properties"]["ids"]
    state = schemas.data("dellin/state.schema.json")["$defs"]["user"]["properties"]["subscriptions"]
    assert change["maxItems"] == rules.MAX_ORDERS_PER_CALL
    assert listing["perPage"]["maximum"] == rules.PER_PAGE_MAX
    assert listing["perPage"]["default"] == rules.PER_PAGE_DEFAULT
    assert delete["maxItems"] == rules.MAX_IDS_PER_DELETE
    assert state["maxItems"] == rules.MAX_SUBSCRIPTIONS_PER_USER
    assert tuple(common["role"]["enum"]) == rules.ROLES
    assert tuple(common["clientState"]["enum"]) == rules.CLIENT_STATES
    assert tuple(common["state"]["enum"]) == rules.STATES


def test_event_type_directory(schemas):
    directory = schemas.data("dellin/event_types.json")
    schemas.check("dellin/event_types.schema.json", directory)
    documented = {row["type"] for row in directory["types"] if row["source"] == "docs"}
    assert documented == {"order.state.processing", "order.state.declined", "order.state.pickup",
                          "order.state.completed", "order.change.pickup_info"}
    assert any(row["source"] == "ours" for row in directory["types"])
    assert len(rules.directory_types()) == len(set(rules.directory_types()))


def _readme_table() -> dict[int, int]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Error codes"):]
    section = section[: section.index("\n## ", 1) if "\n## " in section[1:] else len(section)]
    return {int(code): int(status) for code, status in re.findall(r"^\| (\d{6}) \| (\d{3}) \|", section, re.M)}


def test_readme_lists_every_code_the_mock_sends_with_its_status():
    sent = {code: int(row["status"]) for code, row in dellin_codes().items() if "mock" in row}
    assert _readme_table() == sent


@pytest.mark.parametrize("code", sorted(dellin_codes()))
def test_every_code_has_a_title_status_link_and_the_docs_meaning(code):
    row = dellin_codes()[code]
    assert row["title"] and row["docs"] and 400 <= row["status"] <= 599
    assert row["link"] == f"https://dev.dellin.ru/api/errors/#error_{code}"
