"""Every operation of every API, by name (the route table's index)."""
from __future__ import annotations

from functools import lru_cache

from .operations import Operation
from .routes_table import route_modules

ERROR_SCHEMAS = {
    "navixy": "navixy/error.schema.json",
    "dellin": "dellin/error.schema.json",
    "admin": "admin/error.schema.json",
}


@lru_cache(maxsize=None)
def all_operations() -> tuple[Operation, ...]:
    return tuple(op for module in route_modules() for op in module.OPERATIONS)


@lru_cache(maxsize=None)
def _by_name() -> dict[str, Operation]:
    return {op.name: op for op in all_operations()}


def operation_by_name(name: str) -> Operation | None:
    return _by_name().get(name)


def error_schema_for_api(api: str) -> str:
    return ERROR_SCHEMAS[api]
