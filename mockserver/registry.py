"""The route registry: every operation the mock serves, once.

Each API lists its rows in its own ``operations`` module; this module joins
them. The rows feed the Flask routes (``app``), the request journal, fault
matching and its checks (``faults``) and the served OpenAPI document
(``openapi``), so none of these can drift from the others. Adding an
endpoint: a row in the API's ``operations``, its view in the API's
``routes``; an API: one more line below, and its views in ``app``.
"""
from __future__ import annotations

from .admin import operations as admin
from .apis import ADMIN, DELLIN, NAVIXY
from .dellin import operations as dellin
from .inspector import operations as inspector
from .navixy import operations as navixy
from .operation import Operation

OPERATIONS: tuple[Operation, ...] = navixy.OPERATIONS + dellin.OPERATIONS + admin.OPERATIONS + inspector.OPERATIONS

ERROR_SCHEMAS = {
    NAVIXY: "navixy/error.schema.json",
    DELLIN: "dellin/error.schema.json",
    ADMIN: "admin/error.schema.json",
}

_BY_NAME = {operation.name: operation for operation in OPERATIONS}
if len(_BY_NAME) != len(OPERATIONS):
    raise RuntimeError("two operations share a name")


def operation_by_name(name: str) -> Operation | None:
    return _BY_NAME.get(name)


def error_schema_for_api(api: str) -> str:
    return ERROR_SCHEMAS[api]
