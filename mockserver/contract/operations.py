"""Which mocked operation a method and path name, read from the route registry."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from ..apis import DELLIN, NAVIXY
from ..operation import Operation
from ..registry import OPERATIONS, error_schema_for_api

API_NAMES = (NAVIXY, DELLIN)


@dataclass(frozen=True)
class Match:
    operation: Operation
    path_params: dict

    @property
    def error_schema(self) -> str:
        return self.operation.error_schema or error_schema_for_api(self.operation.api)


@lru_cache(maxsize=None)
def _routes() -> tuple[Map, dict[str, Operation]]:
    operations = {op.name: op for op in OPERATIONS if op.api in API_NAMES}
    rules = [Rule(op.path, endpoint=op.name, methods=list(op.methods)) for op in operations.values()]
    return Map(rules, strict_slashes=False, merge_slashes=False), operations


def match(method: str, path: str) -> Match | None:
    """The API operation that ``method path`` calls, or None (an admin path,
    an unknown path, or a method the operation does not take)."""
    routes, operations = _routes()
    try:
        name, params = routes.bind("contract").match(path, method=method.upper())
    except HTTPException:
        return None
    return Match(operations[name], params)
