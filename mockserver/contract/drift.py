"""Drift: where one exchange departs from the operation's schemas and the
API's documented error table.

Each finding names the operation, the HTTP status, a kind, a JSON pointer into
the body, and what was expected against what came back. The kinds:

``unexpected_field``, ``missing_field``, ``type_changed``, ``invalid_value``
    the body against the operation's success or error schema;
``unknown_code``
    an error code that the API's table does not list;
``status_mismatch``
    an HTTP status that disagrees with the table, with the envelope's own
    status, or with a success body;
``broken_envelope``
    a body that is not JSON, or is neither the API's success nor its error
    envelope.

A request is checked against the operation's request schema when the provider
accepted it: a call the mock would refuse but the provider answers is drift,
while a call both refuse is the client's mistake, not drift.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ..body import json_type
from ..schemas import SchemaSet, deepest_error, default_schemas
from .error_tables import documented_status
from .exchange import NOT_JSON, Exchange
from .masking import masked, secrets_of
from .operations import Match, match

RESPONSE, REQUEST = "response", "request"


@dataclass(frozen=True)
class Finding:
    operation: str
    status: int
    kind: str
    path: str  # a JSON pointer into the body; "" is the whole body
    expected: object
    actual: object
    direction: str = RESPONSE  # which body the path points into

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        where = f"{self.direction} {self.path or '/'}"
        return (
            f"drift {self.operation} {self.status} {self.kind} at {where}: "
            f"expected {_short(self.expected)}, got {_short(self.actual)}"
        )


def check_exchange(exchange: Exchange, schemas: SchemaSet | None = None) -> list[Finding] | None:
    """The exchange's findings; None when it calls no mocked operation."""
    found = match(exchange.method, exchange.path)
    if found is None:
        return None
    schemas = schemas or default_schemas()
    secrets = secrets_of(exchange.request_params(found.operation.api), exchange.request_headers)
    findings = _check_response(found, exchange, schemas) + _check_request(found, exchange, schemas)
    return _unique([_masked(f, secrets) for f in findings])


# ------------------------------------------------------------------ responses
def _check_response(found: Match, exchange: Exchange, schemas: SchemaSet) -> list[Finding]:
    op, status = found.operation, exchange.status
    body = exchange.response_json()
    if body is NOT_JSON or not isinstance(body, dict):
        actual = exchange.response_mimetype or "no content type"
        if body is not NOT_JSON:
            actual = f"JSON {json_type(body)}"
        return [Finding(op.name, status, "broken_envelope", "", f"a JSON object in {op.api}'s envelope", actual)]
    is_error = _is_error(op.api, body)
    if is_error is None:
        return [Finding(op.name, status, "broken_envelope", "/success", "true or false", body.get("success"))]
    schema = found.error_schema if is_error else op.response_schema
    findings = _schema_findings(schemas, schema, body, op.name, status, RESPONSE) if schema else []
    table = _table_findings(op.api, body, op.name, status) if is_error else []
    if not is_error and not 200 <= status < 300:
        table.append(Finding(op.name, status, "status_mismatch", "", "a 2xx status with a success body", status))
    coded = {f.path for f in table if f.kind == "unknown_code"}
    return table + [f for f in findings if f.path not in coded]


def _is_error(api: str, body: dict) -> bool | None:
    if api == "navixy":
        success = body.get("success")
        return None if not isinstance(success, bool) else not success
    return "errors" in body


def _table_findings(api: str, body: dict, operation: str, status: int) -> list[Finding]:
    out = []
    if api == "navixy":
        coded = [("/status/code", (body.get("status") or {}).get("code") if isinstance(body.get("status"), dict) else None)]
    else:
        errors = body.get("errors") if isinstance(body.get("errors"), list) else []
        coded = [(f"/errors/{i}/code", e.get("code")) for i, e in enumerate(errors) if isinstance(e, dict)]
        metadata = body.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("status"), int) and metadata["status"] != status:
            out.append(Finding(operation, status, "status_mismatch", "/metadata/status", status, metadata["status"]))
    for index, (path, code) in enumerate(coded):
        if code is None:
            continue  # the schema reports a missing code
        wanted = documented_status(api, code)
        if wanted is None:
            out.append(Finding(operation, status, "unknown_code", path, f"a code in {api}'s error table", code))
        elif index == 0 and wanted != status:
            # the HTTP status follows the first error's code
            out.append(Finding(operation, status, "status_mismatch", path, wanted, status))
    if 200 <= status < 300:
        out.append(Finding(operation, status, "status_mismatch", "", "a 4xx or 5xx status with an error body", status))
    return out


# ------------------------------------------------------------------ requests
def _check_request(found: Match, exchange: Exchange, schemas: SchemaSet) -> list[Finding]:
    op = found.operation
    if not op.request_schema or not 200 <= exchange.status < 300:
        return []
    params = exchange.request_params(op.api)
    if params is NOT_JSON:
        return [Finding(op.name, exchange.status, "broken_envelope", "", "a JSON object", "a body that is not JSON",
                        REQUEST)]
    return _schema_findings(schemas, op.request_schema, params, op.name, exchange.status, REQUEST)


# ------------------------------------------------------------------ schema errors -> findings
def _schema_findings(schemas: SchemaSet, name: str, instance, operation: str, status: int, direction: str):
    if schemas.fast_valid(name, instance):
        return []
    out = []
    for error in schemas.validator(name).iter_errors(instance):
        out.extend(_from_error(deepest_error(error), operation, status, direction))
    return out


def _from_error(error, operation: str, status: int, direction: str) -> list[Finding]:
    base = pointer(error.absolute_path)
    keyword, value, instance = error.validator, error.validator_value, error.instance

    def finding(kind, path, expected, actual):
        return Finding(operation, status, kind, path, expected, actual, direction)

    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        return [finding("unexpected_field", f"{base}/{_escape(k)}", None, v) for k, v in instance.items() if k not in known]
    if keyword == "required" and isinstance(instance, dict):
        properties = error.schema.get("properties", {})
        return [
            finding("missing_field", f"{base}/{_escape(k)}", _expected_of(properties.get(k)), None)
            for k in value if k not in instance
        ]
    if keyword == "type":
        return [finding("type_changed", base, value, json_type(instance))]
    if keyword in ("const", "enum"):
        allowed = [value] if keyword == "const" else list(value)
        if json_type(instance) not in {json_type(a) for a in allowed}:
            return [finding("type_changed", base, _expected_of(error.schema), json_type(instance))]
        return [finding("invalid_value", base, value if keyword == "const" else {"enum": allowed}, instance)]
    return [finding("invalid_value", base, {keyword: value}, instance)]


def _expected_of(schema) -> object:
    """A short description of what a schema wants: its type, or its constant."""
    if not isinstance(schema, dict):
        return "present"
    if "const" in schema:
        return schema["const"]
    if "type" in schema:
        return schema["type"]
    if "enum" in schema:
        return {"enum": schema["enum"]}
    for key in ("allOf", "anyOf", "oneOf"):
        if schema.get(key):
            return _expected_of(schema[key][0])
    return "present"


def pointer(parts) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + _escape(p) for p in parts)


def _escape(part) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _masked(finding: Finding, secrets: set[str]) -> Finding:
    # a value that came back is masked by its key; type names and schema text need no masking
    key = finding.path.rsplit("/", 1)[-1] if finding.kind in ("unexpected_field", "invalid_value") else None
    return Finding(
        finding.operation, finding.status, finding.kind, finding.path,
        masked(finding.expected, secrets), masked(finding.actual, secrets, key), finding.direction,
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        marker = (f.direction, f.kind, f.path)
        if marker not in seen:
            seen.add(marker)
            out.append(f)
    return out


def _short(value, limit: int = 120) -> str:
    import json

    text = "nothing" if value is None else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
