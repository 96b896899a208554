"""The route registry is the app's routing: every row is served with its own
methods and nothing else is, and each call is journaled under its row's name."""
from __future__ import annotations

import pytest

from mockserver.registry import OPERATIONS, operation_by_name


def _served(app) -> dict[str, set[str]]:
    """Flask rule -> the methods the app serves on it (HEAD, OPTIONS left out)."""
    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            served.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return served


def test_every_row_is_served_with_its_methods_and_nothing_else_is(app):
    listed: dict[str, set[str]] = {}
    for operation in OPERATIONS:
        listed.setdefault(operation.path, set()).update(operation.methods)
    assert _served(app) == listed


def test_operation_names_are_unique_and_found_by_name():
    assert len({op.name for op in OPERATIONS}) == len(OPERATIONS)
    assert all(operation_by_name(op.name) is op for op in OPERATIONS)
    assert operation_by_name("navixy.delivery.delete") is None


@pytest.mark.parametrize("name, method, path, body", [
    ("navixy.delivery.read", "POST", "/v2/user/session/delivery/read", {"hash": "66666666666666666666666666666666"}),
    ("dellin.webhooks.get", "POST", "/v1/webhooks/1", {}),
])
def test_a_call_is_journaled_under_its_rows_name(client, name, method, path, body):
    client.open(path, method=method, json=body)
    assert client.get("/__mock/requests").get_json()["requests"][-1]["operation"] == name


def test_url_for_builds_every_rows_path(app):
    from flask import url_for

    with app.test_request_context():
        for operation in OPERATIONS:
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == operation.endpoint)
            values = {name: "7" for name in rule.arguments}
            built = url_for(operation.endpoint, **values, extra="x")
            assert built.endswith("?extra=x")
            assert app.url_map.bind("localhost").match(built.split("?")[0], method=sorted(operation.methods)[0])[0] \
                == operation.endpoint
