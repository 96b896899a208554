"""The OpenAPI 3.1 document of the mock, built from the route registry and the
JSON Schemas in ``schemas/``; nothing in it is written by hand.

Each operation brings its request, success and error schemas; the error
responses come from each API's error table (``schemas/*/errors.json``), one
per HTTP status, listing its codes, so every documented code, the
fault-injectable ones included, is in the document.
Every schema file an operation reaches is bundled into
``components/schemas`` with its ``$ref``s rewritten, so the document stands
alone.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin

from .apis import ADMIN, ADMIN_PREFIX, ADMIN_TOKEN_HEADER, DELLIN, NAVIXY
from .errors import profile_for
from .operation import Operation
from .registry import OPERATIONS, error_schema_for_api
from .schemas import BASE_URI, SchemaSet, default_schemas

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"

TAGS = (
    {"name": NAVIXY, "description": "Navixy delivery sessions (base URL: /v2)"},
    {"name": DELLIN, "description": "Dellin order event notifications (base URL: the host root)"},
    {"name": ADMIN, "description": f"The mock's own admin API under {ADMIN_PREFIX}"},
)

# admin errors are AdminError values with any 4xx status; 401 is the token check,
# 403 a foreign Host or Origin, 415 a body that is not JSON (or YAML for a scenario)
ADMIN_ERROR_STATUSES = ("400", "401", "403", "404", "405", "409", "413", "415", "422")

BODY_METHODS = ("POST", "PUT", "PATCH")

_FLASK_PARAM = re.compile(r"<(?:(?P<converter>[a-zA-Z_]+)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
_CONVERTER_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number", "minimum": 0},
    "uuid": {"type": "string", "format": "uuid"},
}


# ------------------------------------------------------------------ paths
def openapi_path(flask_rule: str) -> str:
    """``/v1/webhooks/<int:id>`` -> ``/v1/webhooks/{id}``."""
    return _FLASK_PARAM.sub(lambda m: "{" + m.group("name") + "}", flask_rule)


def parameters(operation: Operation, bundler: "_Bundler", method: str = "GET") -> list[dict]:
    """The path parameters of the Flask rule, then the query parameters; each
    with the schema the operation names for it (else its converter's). A
    method without a body must carry in its query what the request schema
    requires (Navixy's GET: the hash)."""
    schemas = dict(operation.parameters)
    needed = set()
    if operation.request_schema and method not in BODY_METHODS:
        needed = set(bundler.schemas.documents[operation.request_schema].get("required", ()))
    out = []
    for match in _FLASK_PARAM.finditer(operation.path):
        name = match.group("name")
        schema = bundler.ref(schemas.pop(name)) if name in schemas else dict(
            _CONVERTER_SCHEMAS.get(match.group("converter") or "", {"type": "string", "minLength": 1}))
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    for name, schema_ref in schemas.items():
        out.append({"name": name, "in": "query", "required": name in needed, "schema": bundler.ref(schema_ref)})
    return out


def component_name(schema_file: str) -> str:
    """``navixy/delivery_request.schema.json`` -> ``navixy.delivery_request``."""
    name = schema_file[: -len(".schema.json")] if schema_file.endswith(".schema.json") else schema_file
    return name.replace("/", ".")


# ------------------------------------------------------------------ schema bundling
class _Bundler:
    """Copies schema files into components, rewriting every ``$ref`` to a
    pointer inside the document."""

    def __init__(self, schemas: SchemaSet):
        self.schemas = schemas
        self.components: dict[str, dict] = {}

    def ref(self, schema: str) -> dict:
        """A ``$ref`` to a schema file, or to ``file#/pointer`` inside one."""
        schema_file, _, pointer = schema.partition("#")
        self._include(schema_file)
        return {"$ref": f"#/components/schemas/{component_name(schema_file)}{pointer}"}

    def _include(self, schema_file: str) -> None:
        name = component_name(schema_file)
        if name in self.components:
            return
        self.components[name] = {}  # placeholder first: files may refer to each other
        document = copy.deepcopy(self.schemas.documents[schema_file])
        # $id would make refs inside resolve against the file, not the document
        document.pop("$id", None)
        document.pop("$schema", None)
        self.components[name] = self._rewrite(document, schema_file)

    def _rewrite(self, node, schema_file: str):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    out[key] = self._target(value, schema_file)
                else:
                    out[key] = self._rewrite(value, schema_file)
            return out
        if isinstance(node, list):
            return [self._rewrite(item, schema_file) for item in node]
        return node

    def _target(self, ref: str, schema_file: str) -> str:
        absolute = urljoin(BASE_URI + schema_file, ref)
        url, fragment = urldefrag(absolute)
        if not url.startswith(BASE_URI):
            raise ValueError(f"{schema_file}: $ref {ref!r} leaves the bundled schemas")
        target = url[len(BASE_URI):]
        if target not in self.schemas.documents:
            raise ValueError(f"{schema_file}: $ref {ref!r} names a missing file {target}")
        self._include(target)
        pointer = fragment if fragment.startswith("/") or not fragment else None
        if pointer is None:
            raise ValueError(f"{schema_file}: $ref {ref!r}: only JSON-pointer fragments are supported")
        return f"#/components/schemas/{component_name(target)}{pointer}"


# ------------------------------------------------------------------ operations
def _error_responses(api: str, error_ref: dict) -> dict[str, dict]:
    """One response per HTTP status of the API's error table, listing its codes
    (in the description and in ``x-error-codes``) and pinning what the body
    says of them; the admin API has no codes."""
    profile = profile_for(api)
    by_status: dict[int, list[int]] = {}
    for code in profile.codes():
        by_status.setdefault(profile.status_of(code), []).append(code)
    if not by_status:
        return {
            status: {"description": f"An error in the {api} envelope", "content": {JSON: {"schema": dict(error_ref)}}}
            for status in ADMIN_ERROR_STATUSES
        }
    out = {}
    for status, codes in sorted(by_status.items()):
        listed = "; ".join(f"{code} {profile.title_of(code)}" for code in sorted(codes))
        out[str(status)] = {
            "description": f"An error in the {api} envelope, with one of these codes: {listed}",
            "x-error-codes": sorted(codes),
            "content": {JSON: {"schema": {"allOf": [dict(error_ref), profile.code_schema(codes)]}}},
        }
    return out


def _operation_id(operation: Operation, method: str) -> str:
    if len(operation.methods) == 1:
        return operation.name
    return f"{operation.name}.{method.lower()}"


def _request_body(operation: Operation, bundler: _Bundler) -> dict:
    content = {media: {"schema": bundler.ref(operation.request_schema)} for media in operation.request_media_types}
    return {"required": operation.body_required, "content": content}


def _operation_object(operation: Operation, method: str, bundler: _Bundler) -> dict:
    error_schema = operation.error_schema or error_schema_for_api(operation.api)
    if operation.media_type != JSON:
        success = {"type": "string"}
    else:
        success = bundler.ref(operation.response_schema) if operation.response_schema else {"type": "object"}
    content = {operation.media_type: {"schema": success}}
    responses = {str(operation.success_status): {"description": "Success", "content": content}}
    responses.update(_error_responses(operation.api, bundler.ref(error_schema)))
    out = {
        "operationId": _operation_id(operation, method),
        "summary": operation.summary,
        "tags": [operation.api],
    }
    declared = parameters(operation, bundler, method)
    if declared:
        out["parameters"] = declared
    if operation.request_schema and method in BODY_METHODS:
        out["requestBody"] = _request_body(operation, bundler)
    out["responses"] = responses
    if operation.api == ADMIN:
        # needed only when the mock runs with an admin token
        out["security"] = [{}, {"adminToken": []}]
    return out


def build_document(operations=None, schemas: SchemaSet | None = None) -> dict:
    schemas = schemas or default_schemas()
    bundler = _Bundler(schemas)
    paths: dict[str, dict] = {}
    for operation in operations if operations is not None else OPERATIONS:
        item = paths.setdefault(openapi_path(operation.path), {})
        for method in operation.methods:
            if method in ("HEAD", "OPTIONS"):
                continue
            item[method.lower()] = _operation_object(operation, method, bundler)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Navixy and Dellin contract-test mock",
            "version": _package_version(),
            "description": "Generated from the mock's route table and the JSON Schemas in schemas/.",
        },
        "tags": [dict(tag) for tag in TAGS],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(bundler.components.items())),
            "securitySchemes": {
                "adminToken": {"type": "apiKey", "in": "header", "name": ADMIN_TOKEN_HEADER},
            },
        },
    }


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("navixy-dellin-mockserver")
    except PackageNotFoundError:
        return "0.0.0"


@lru_cache(maxsize=1)
def document() -> dict:
    """The bundled routes and schemas never change at run time: build once."""
    return build_document()
