"""Every response the mock sends is held against its JSON Schema.

The schema is chosen from the operation table: the success schema for 2xx,
the API's error envelope otherwise.
"""
from __future__ import annotations

from flask.testing import FlaskClient

from mockserver import create_app
from mockserver.registry import error_schema_for_api, operation_by_name
from mockserver.schemas import default_schemas
from mockserver.apis import api_for_path


def check_response(path: str, operation_name: str | None, status: int, body) -> None:
    schemas = default_schemas()
    assert body is not None, f"{path} answered {status} without a JSON body"
    operation = operation_by_name(operation_name) if operation_name else None
    if 200 <= status < 300 and operation is not None:
        if operation.response_schema:
            schemas.check(operation.response_schema, body)
        return
    api = operation.api if operation is not None else api_for_path(path)
    schemas.check(error_schema_for_api(api), body)


class ContractClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        assert response.status_code < 500 or _injected(response), (
            f"{request.method} {request.path} answered {response.status_code}: {response.get_data(as_text=True)[:500]}"
        )
        assert response.mimetype == "application/json", (
            f"{request.method} {request.path} answered {response.mimetype}: {response.get_data(as_text=True)[:200]}"
        )
        operation = _operation_of(self.application, request)
        check_response(request.path, operation, response.status_code, response.get_json(silent=True))
        return response


def contract_app(**options):
    """``create_app(**options)`` whose test clients hold every answer against its schema."""
    app = create_app(**options)
    app.test_client_class = ContractClient
    return app


def inject_error(client, operation: str, code: int) -> None:
    """Replace every fault rule with one that answers ``operation`` with the API's error ``code``."""
    client.delete("/__mock/faults")
    added = client.post("/__mock/faults", json={"when": {"operation": operation}, "respond": {"error": code}})
    assert added.status_code == 201, added.json


def _injected(response) -> bool:
    # a 5xx is allowed only when a fault rule produced it
    return response.headers.get("X-Mock-Fault") is not None


def _operation_of(app, request):
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(request.path, method=request.method)
    except Exception:
        return None
    func = app.view_functions.get(endpoint)
    operation = getattr(func, "operation", None)
    return operation.name if operation else None
