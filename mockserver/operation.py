"""One row of the route registry: a mocked operation, its path, methods and schemas."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Operation:
    name: str  # "<api>.<resource>.<action>", e.g. navixy.delivery.create
    api: str  # navixy | dellin | admin
    path: str  # Flask rule, e.g. /v1/webhooks/<id>
    methods: tuple[str, ...]
    summary: str
    request_schema: str | None = None  # a file under schemas/
    response_schema: str | None = None  # the success response
    error_schema: str | None = None
    # (name, schema) of each path and query parameter; a schema is "file#/pointer" under schemas/
    parameters: tuple[tuple[str, str], ...] = field(default=())
    body_required: bool = True  # False: the request schema describes an optional body
    request_media_types: tuple[str, ...] = ("application/json",)
    success_status: int = 200  # the status of a successful answer (documented in OpenAPI)
    media_type: str = "application/json"  # of a successful answer (the inspector page's files are not JSON)

    @property
    def endpoint(self) -> str:
        # a dot in a Flask endpoint names a blueprint
        return self.name.replace(".", "__")
