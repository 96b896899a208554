"""Hypothesis strategies drawn from the mock's own schemas, for property tests
of clients of Navixy and Dellin.

The schemas in ``schemas/`` are the contract: each strategy walks one of them
and hands every leaf to hypothesis-jsonschema. The few rules a schema cannot
say are added here, once:

- a webhook ``url`` is an https URL a delivery could reach;
- an event type comes from the event-type directory, and a list of them is
  never empty (absent means every type);
- in a state, hashes, logins, sessionIDs, order numbers and subscription ids
  are unique, as the mock requires, and a user has at most 10 subscriptions
  (the schema's ``maxItems``).

Valid request draws pass the mock's input checks (they may still meet a
business error such as an unknown id); invalid ones are built from a valid
draw by one mutation the schema refuses: a required field removed, a field of
the wrong JSON type, or an unknown field where none is allowed.

Needs the ``strategies`` extra (hypothesis, hypothesis-jsonschema); the rest
of the package never imports this module.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urldefrag, urljoin

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from .body import json_type
from .schemas import BASE_URI, default_schemas

__all__ = ["requests", "responses", "errors", "notifications", "states"]

_DELLIN_COMMON = BASE_URI + "dellin/common.schema.json#/$defs/"
_NAVIXY_HASH = BASE_URI + "navixy/common.schema.json#/$defs/hash"
_LABEL = r"[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?"
# JSON types, each with a value of that type, for the wrong-type mutation
_JSON_VALUES = {
    "string": st.text(max_size=8),
    "integer": st.integers(-1000, 1000),
    "number": st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != int(x)),
    "boolean": st.booleans(),
    "null": st.none(),
    "array": st.lists(st.integers(0, 9), max_size=2),
    "object": st.dictionaries(st.sampled_from("xyz"), st.integers(0, 9), max_size=2),
}


# ---------------------------------------------------------------- public
def requests(operation: str, valid: bool = True) -> st.SearchStrategy[dict]:
    """Request documents for ``operation`` (``"dellin.webhooks.update"``,
    ``"navixy.delivery.create"``, ...): the JSON body of a Dellin call, the
    parameters of a Navixy one."""
    name = _operation(operation).request_schema
    document = _walk(_schema_uri(name), _resolve(_schema_uri(name)))
    return document if valid else document.flatmap(lambda draw: _mutated(name, draw))


def responses(operation: str) -> st.SearchStrategy[dict]:
    """Success bodies of ``operation``, as its response schema documents them."""
    name = _operation(operation).response_schema
    return _walk(_schema_uri(name), _resolve(_schema_uri(name)))


def errors(api: str) -> st.SearchStrategy[dict]:
    """Error envelopes of ``api`` (``"navixy"`` or ``"dellin"``), each with a
    documented code and the HTTP status, title and description the table gives it."""
    if api == "navixy":
        return st.builds(_navixy_error, st.sampled_from(_table("navixy/errors.json")), _walk_schema("navixy/error.schema.json"))
    if api == "dellin":
        rows = st.lists(st.sampled_from(_table("dellin/errors.json")), min_size=1, max_size=3)
        return st.builds(_dellin_error, rows, _walk_schema("dellin/error.schema.json"))
    raise ValueError(f"no API named {api!r}: navixy or dellin")


def notifications(event_type: str | None = None) -> st.SearchStrategy[dict]:
    """Notification bodies as the mock POSTs them to a subscription's url."""
    body = _walk_schema("dellin/notification.schema.json")
    if event_type is None:
        return body
    return body.map(lambda doc: {**doc, "eventType": event_type})


def states() -> st.SearchStrategy[dict]:
    """Scenario ``state`` documents that the mock loads."""
    navixy = st.lists(_walk_def("state.schema.json", "navixyUser"), max_size=4, unique_by=lambda u: u["hash"])
    users = st.lists(_walk_def("dellin/state.schema.json", "user"), max_size=3, unique_by=lambda u: u["login"])
    dellin = st.fixed_dictionaries(
        {"users": users.map(_unique_dellin_keys)},
        optional={"appkeys": _walk(BASE_URI + "dellin/state.schema.json", _resolve(BASE_URI + "dellin/state.schema.json")["properties"]["appkeys"])},
    )
    return st.fixed_dictionaries({}, optional={"navixy": st.fixed_dictionaries({"users": navixy}), "dellin": dellin})


# ---------------------------------------------------------------- the schema walk
@lru_cache(maxsize=1)
def _overrides() -> dict[str, st.SearchStrategy]:
    return {
        _DELLIN_COMMON + "url": webhook_urls(),
        _DELLIN_COMMON + "eventType": st.sampled_from(_directory()),
        # a seeded session's expiry must be an instant the clock supports
        BASE_URI + "dellin/state.schema.json#/$defs/session": st.one_of(
            _walk_leaf(_DELLIN_COMMON + "sessionID"),
            st.fixed_dictionaries(
                {"id": _walk_leaf(_DELLIN_COMMON + "sessionID")},
                optional={"expires_at": _instants(), "ended": st.booleans()},
            ),
        ),
    }


def webhook_urls() -> st.SearchStrategy[str]:
    """https URLs that a delivery could reach: host names of valid labels, an optional path."""
    host = rf"{_LABEL}(?:\.{_LABEL}){{0,2}}\.(?:example|test|com|ru)"
    return st.from_regex(rf"\Ahttps://{host}(?:/[A-Za-z0-9_.~-]{{1,12}}){{0,3}}\Z")


def _walk(base: str, node) -> st.SearchStrategy:
    """A strategy for ``node`` (a schema found at ``base``): objects and arrays
    are built here so that overridden references inside them apply; anything
    else goes to hypothesis-jsonschema whole."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target = urljoin(base, node["$ref"])
        siblings = {k: v for k, v in node.items() if k != "$ref" and k not in _ANNOTATIONS}
        override = None if siblings else _overrides().get(target)
        if override is not None:
            return override
        resolved = _lookup(target)
        if target in _NEVER_EMPTY:
            siblings = {"minItems": 1, **siblings}
        if siblings and isinstance(resolved, dict):
            # keywords beside a $ref narrow what it points at (minItems on a list, say)
            resolved = {**resolved, **siblings}
        return _walk(urldefrag(target).url, resolved)
    if not isinstance(node, dict):
        return _from_schema(node)
    if "oneOf" in node and set(node) - _ANNOTATIONS == {"oneOf"}:
        return st.one_of([_walk(base, branch) for branch in node["oneOf"]])
    kind = node.get("type")
    if kind == "object" and set(node) - _ANNOTATIONS <= {"type", "properties", "required", "additionalProperties"}:
        properties = node.get("properties", {})
        required = set(node.get("required", ()))
        return st.fixed_dictionaries(
            {key: _walk(base, sub) for key, sub in properties.items() if key in required},
            optional={key: _walk(base, sub) for key, sub in properties.items() if key not in required},
        )
    if kind == "array" and set(node) - _ANNOTATIONS <= {"type", "items", "minItems", "maxItems", "uniqueItems"}:
        items = node.get("items", {})
        same = _SAME_VALUE.get(urljoin(base, items.get("$ref", ""))) if isinstance(items, dict) else None
        return st.lists(
            _walk(base, items),
            min_size=node.get("minItems", 0),
            max_size=min(node.get("maxItems", 5), 5),
            unique_by=(same or _json_key) if node.get("uniqueItems") else None,
        )
    return _from_schema(default_schemas().inline(node, base))


def _from_schema(schema) -> st.SearchStrategy:
    return from_schema(schema, custom_formats=_FORMATS)


_FORMATS = {"uuid": st.uuids().map(str)}
# lists the mock refuses empty although the schema does not say so: an empty
# eventTypes would read as "no type" where absent means "every type"
_NEVER_EMPTY = {_DELLIN_COMMON + "eventTypes"}
# items the mock takes as the same although JSON does not: the id 2 and "2"
_SAME_VALUE = {_DELLIN_COMMON + "subscriptionId": int}
_ANNOTATIONS = {"title", "description", "$comment", "examples", "default", "deprecated", "$schema", "$id"}


def _json_key(value):
    # 1 and True, 1 and 1.0 are different JSON values
    return (type(value).__name__, repr(value))


def _walk_schema(name: str) -> st.SearchStrategy:
    return _walk(_schema_uri(name), _resolve(_schema_uri(name)))


def _walk_def(name: str, definition: str) -> st.SearchStrategy:
    uri = _schema_uri(name)
    return _walk(uri, _resolve(uri)["$defs"][definition])


def _walk_leaf(uri: str) -> st.SearchStrategy:
    return _from_schema(default_schemas().inline(_lookup(uri), urldefrag(uri).url))


def _schema_uri(name: str) -> str:
    return BASE_URI + name


def _resolve(uri: str):
    return _lookup(uri)


def _lookup(uri: str):
    return default_schemas().registry.resolver().lookup(uri).contents


# ---------------------------------------------------------------- invalid requests
def _mutated(schema_name: str, document: dict) -> st.SearchStrategy[dict]:
    """``document`` changed by one mutation that the schema refuses."""
    schema = _resolve(_schema_uri(schema_name))
    properties = schema.get("properties", {})
    choices = []
    for key in schema.get("required", ()):
        choices.append(st.just({k: v for k, v in document.items() if k != key}))
    for key, value in document.items():
        allowed = _types_of(_schema_uri(schema_name), properties.get(key, {}))
        wrong = [t for t in _JSON_VALUES if t not in allowed and not (t == "integer" and "number" in allowed)]
        if allowed and wrong:
            choices.append(st.sampled_from(wrong).flatmap(
                lambda kind, key=key: _JSON_VALUES[kind].map(lambda bad: {**document, key: bad})))
    if schema.get("additionalProperties") is False:
        unknown = st.from_regex(r"\A[a-z]{3,10}\Z").filter(lambda k: k not in properties)
        choices.append(unknown.map(lambda key: {**document, key: 1}))
    return st.one_of(choices).filter(lambda doc: not default_schemas().is_valid(schema_name, doc))


def _types_of(base: str, node) -> set[str]:
    """The JSON types a property's schema admits (empty: any, or not known)."""
    if isinstance(node, dict) and "$ref" in node:
        target = urljoin(base, node["$ref"])
        return _types_of(urldefrag(target).url, _lookup(target))
    if not isinstance(node, dict):
        return set()
    kind = node.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return set(kind)
    if "oneOf" in node or "anyOf" in node:
        found = set()
        for branch in node.get("oneOf", node.get("anyOf")):
            types = _types_of(base, branch)
            if not types:
                return set()
            found |= types
        return found
    if "const" in node or "enum" in node:
        values = [node["const"]] if "const" in node else node["enum"]
        return {json_type(v) for v in values}
    return set()


# ---------------------------------------------------------------- errors
def _navixy_error(row: dict, envelope: dict) -> dict:
    out = {"success": False, "status": {"code": int(row["code"]), "description": row["description"]}}
    if "errors" in envelope and int(row["code"]) == 7:
        out["errors"] = envelope["errors"]
    return out


def _dellin_error(rows: list[dict], envelope: dict) -> dict:
    problems = []
    for index, row in enumerate(rows):
        drawn = envelope["errors"][index % len(envelope["errors"])]
        problems.append({**drawn, "code": int(row["code"]), "title": row["title"], "link": row["link"]})
    status = int(rows[0]["status"])
    return {"metadata": {**envelope["metadata"], "status": status}, "errors": problems}


def _table(name: str) -> list[dict]:
    return list(default_schemas().data(name)["codes"])


# ---------------------------------------------------------------- states
def _unique_dellin_keys(users: list[dict]) -> list[dict]:
    """Drop repeats the mock refuses: an order number twice in one user, and a
    sessionID or a subscription id twice across the state."""
    sessions, subscription_ids = set(), set()
    out = []
    for user in users:
        user = dict(user)
        if "orders" in user:
            seen = set()
            user["orders"] = [o for o in user["orders"] if not (o["number"] in seen or seen.add(o["number"]))]
        if "sessions" in user:
            kept = []
            for entry in user["sessions"]:
                session_id = entry if isinstance(entry, str) else entry["id"]
                if session_id not in sessions:
                    sessions.add(session_id)
                    kept.append(entry)
            user["sessions"] = kept
        if "subscriptions" in user:
            kept = []
            for sub in user["subscriptions"]:
                if "id" in sub and sub["id"] in subscription_ids:
                    sub = {k: v for k, v in sub.items() if k != "id"}
                subscription_ids.add(sub.get("id"))
                kept.append(sub)
            user["subscriptions"] = kept
        out.append(user)
    return out


def _instants() -> st.SearchStrategy[str]:
    moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(8999, 12, 31))
    return moments.map(lambda m: m.replace(tzinfo=timezone.utc, microsecond=0).isoformat().replace("+00:00", "Z"))


# ---------------------------------------------------------------- lookups
def _operation(name: str):
    from .registry import operation_by_name

    operation = operation_by_name(name)
    if operation is None or operation.api not in ("navixy", "dellin") or not operation.request_schema:
        raise ValueError(f"no mocked operation named {name!r}")
    return operation


@lru_cache(maxsize=1)
def _directory() -> tuple[str, ...]:
    return tuple(row["type"] for row in default_schemas().data("dellin/event_types.json")["types"])
