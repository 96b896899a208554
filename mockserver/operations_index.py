"""Every operation of every API, by name (the route table's index)."""
from __future__ import annotations

from functools import lru_cache

from .operations import Operation

ERROR_SCHEMAS = {
    "navixy": "navixy/error.schema.json",
    "dellin": "dellin/error.schema.json",
    "admin": "admin/error.schema.json",
}


def all_operations() -> tuple[Operation, ...]:
    from .admin.operations import OPERATIONS as ADMIN
    from .dellin.operations import OPERATIONS as DELLIN
    from .navixy.operations import OPERATIONS as NAVIXY

    return NAVIXY + DELLIN + ADMIN


@lru_cache(maxsize=None)
def _by_name() -> dict[str, Operation]:
    return {op.name: op for op in all_operations()}


def operation_by_name(name: str) -> Operation | None:
    return _by_name().get(name)


def error_schema_for_api(api: str) -> str:
    return ERROR_SCHEMAS[api]
