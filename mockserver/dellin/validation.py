"""Dellin request checking: the body is held against the operation's JSON
Schema, and every way it fails becomes a Dellin problem naming the field."""
from __future__ import annotations

import itertools
import json
from functools import lru_cache

from ..body import json_type
from ..schemas import format_path
from . import errors as codes
from .errors import DellinError, DellinProblem

# JSON Schema keyword -> the documented code; anything not listed is a value
# the parameter does not allow (130008)
_CODE_BY_KEYWORD = {
    "required": codes.MISSING,
    "minItems": codes.MISSING,  # an empty required list passes nothing (ours)
    "type": codes.WRONG_TYPE,
    "additionalProperties": codes.INVALID_SET,  # (ours) not a parameter of the method
    "maxItems": codes.LIST_TOO_LONG,
    "pattern": codes.WRONG_FORMAT,
    "minLength": codes.WRONG_FORMAT,
    "maxLength": codes.WRONG_FORMAT,
    "format": codes.WRONG_FORMAT,
}
# the auth parameters have codes of their own when absent (docs)
_ABSENT_CODES = {"appkey": codes.NO_APPKEY, "sessionID": codes.NO_SESSION}
_TYPE_WORDS = {
    "integer": "an integer",
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "a boolean",
    "number": "a number",
    "null": "null",
}


# a body of 1 MiB can hold 200,000 bad items: report the first ones, in linear time
MAX_SCHEMA_ERRORS = 50
MAX_BAD_VALUES = 20


def check_body(schemas, schema_name: str, body: dict, *, allow_unknown: bool = False, event_types=None) -> None:
    """Raise one ``DellinError`` listing every problem (up to a bound), or return.

    ``event_types`` (a callable, asked only on failure) gives the event-type
    directory, listed as ``validValues`` for an event type the schema refuses."""
    _check_array_sizes(schemas, schema_name, body)
    if schemas.fast_valid(schema_name, body):
        return  # the common case, answered without walking the body in Python
    found = itertools.islice(schemas.validator(schema_name).iter_errors(body), MAX_SCHEMA_ERRORS)
    errors = sorted(found, key=_order)
    # a value of the wrong type fails its enum or pattern too: report the type only
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    problems: list[DellinProblem] = []
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        for problem in _problems_of(error):
            if allow_unknown and problem.code == codes.INVALID_SET:
                continue
            _merge(problems, problem)
    if problems:
        for problem in problems:
            if problem.code == codes.NOT_IN_DIRECTORY and event_types is not None:
                problem.valid_values = list(event_types())
        raise DellinError(*problems)


def _check_array_sizes(schemas, schema_name: str, body: dict) -> None:
    """An array over its ``maxItems`` is refused before the schema walks every item
    (a valid item costs the schema walk far more than the count costs here)."""
    limits = _array_limits(schemas, schema_name)
    if not limits:
        return
    for name, value in body.items():
        limit = limits.get(name)
        if limit is not None and isinstance(value, list) and len(value) > limit:
            raise DellinError.of(codes.LIST_TOO_LONG, f"{name} has {len(value)} items; at most {limit}", [name])


@lru_cache(maxsize=None)
def _array_limits(schemas, schema_name: str) -> dict[str, int]:
    """Each top-level property's ``maxItems``; schemas never change, so once per schema."""
    properties = schemas.data(schema_name).get("properties", {})
    limits = {name: _resolved(schemas, schema_name, sub).get("maxItems") for name, sub in properties.items()}
    return {name: limit for name, limit in limits.items() if limit is not None}


def _resolved(schemas, schema_name: str, schema: dict) -> dict:
    # one level of "file.schema.json#/$defs/name", relative to the schema's folder
    ref = schema.get("$ref")
    if not ref or "#/$defs/" not in ref:
        return schema
    document, definition = ref.split("#/$defs/")
    folder = schema_name.rsplit("/", 1)[0] + "/" if "/" in schema_name else ""
    target = schemas.data(folder + document) if document else schemas.data(schema_name)
    return target.get("$defs", {}).get(definition, {})


def _order(error):
    return ([str(p) for p in error.absolute_path], error.validator)


def _field_of(path) -> str:
    # the top-level parameter: orderNumbers[3] is reported as orderNumbers
    return str(path[0]) if path else "body"


def _where(path) -> str:
    return format_path(path) or "the body"


def _problems_of(error) -> list[DellinProblem]:
    path = list(error.absolute_path)
    keyword = error.validator
    code = _CODE_BY_KEYWORD.get(keyword, codes.INVALID_VALUE)
    where = _where(path)
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        # jsonschema reports each missing name as its own error; merging drops the repeats
        return [
            DellinProblem(_ABSENT_CODES.get(name, codes.MISSING), f"{name} is required / параметр обязателен", [name])
            for name in missing
        ]
    if keyword == "minLength" and len(path) == 1 and path[0] in _ABSENT_CODES:
        # an empty appkey or sessionID is none at all
        return [DellinProblem(_ABSENT_CODES[path[0]], f"{path[0]} is empty", [path[0]])]
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = [name for name in error.instance if name not in allowed][:MAX_BAD_VALUES]
        return [
            DellinProblem(
                codes.INVALID_SET,
                f"{name} is not a parameter of this method",
                [name],
                valid_values=sorted(allowed),
            )
            for name in extras
        ]
    if keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        detail = f"{where} must be {words}, not {json_type(error.instance)}"
        return [DellinProblem(code, detail, [_field_of(path)])]
    if keyword in ("enum", "const"):
        valid = list(error.validator_value) if keyword == "enum" else [error.validator_value]
        detail = f"{where}: {_short(error.instance)!r} is not one of {', '.join(map(str, valid))}"
        return [DellinProblem(code, detail, [_field_of(path)], valid_values=valid, bad_values=[_short(error.instance)])]
    if keyword == "uniqueItems":
        repeated = [_short(v) for v in _repeats(error.instance)]
        return [DellinProblem(code, f"{where} repeats {', '.join(map(str, repeated))}", [_field_of(path)], bad_values=repeated)]
    if keyword == "pattern" and path and path[0] == "eventTypes":
        # ill-formed is not in the directory either: the same code as an unknown type
        detail = f"{where}: {_short(error.instance)!r} is not in the event-type directory"
        return [DellinProblem(codes.NOT_IN_DIRECTORY, detail, ["eventTypes"], bad_values=[_short(error.instance)],
                              link=codes.WEBHOOK_DOCS)]
    detail = _value_detail(keyword, error, where)
    bad = [_short(error.instance)] if not isinstance(error.instance, (list, dict)) else None
    return [DellinProblem(code, detail, [_field_of(path)], bad_values=bad)]


def _short(value, limit: int = 100):
    """A value fit to echo back: long strings are cut."""
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + "..."
    if isinstance(value, (list, dict)) and len(json.dumps(value)) > limit:
        return f"<{json_type(value)} of {len(value)} items>"
    return value


def _value_detail(keyword: str, error, where: str) -> str:
    limit = error.validator_value
    if keyword == "minimum":
        return f"{where} must be at least {limit}, not {error.instance}"
    if keyword == "maximum":
        return f"{where} must be at most {limit}, not {error.instance}"
    if keyword == "minItems":
        return f"{where} needs at least {limit} item(s)"
    if keyword == "maxItems":
        return f"{where} has {len(error.instance)} items; at most {limit}"
    if keyword == "pattern":
        return f"{where}: {_short(error.instance)!r} is not well formed (expected {limit})"
    if keyword == "minLength":
        return f"{where} must not be empty" if limit == 1 else f"{where} is shorter than {limit} characters"
    if keyword == "maxLength":
        return f"{where} is longer than {limit} characters"
    return f"{where}: {error.message}"


def _key(value):
    # JSON equality: 1 == 1.0, but true is not 1
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ("number", float(value))
    return ("json", json.dumps(value, sort_keys=True))


def _repeats(values) -> list:
    """The values that occur more than once, each once, in first-repeat order."""
    seen, reported, repeated = set(), set(), []
    for value in values:
        key = _key(value)
        if key in seen and key not in reported:
            reported.add(key)
            repeated.append(value)
            if len(repeated) == MAX_BAD_VALUES:
                break
        seen.add(key)
    return repeated


def _merge(problems: list[DellinProblem], new: DellinProblem) -> None:
    """One problem per (code, field): several bad roles become one problem with every bad value."""
    for old in problems:
        if old.code == new.code and old.fields == new.fields:
            if new.bad_values:
                old.bad_values = old.bad_values or []
                known = {_key(v) for v in old.bad_values}
                for value in new.bad_values:
                    if _key(value) not in known and len(old.bad_values) < MAX_BAD_VALUES:
                        old.bad_values.append(value)
                        known.add(_key(value))
            return
    problems.append(new)


# ---------------------------------------------------------------- ids
MAX_ID = 2147483647


def subscription_id(value, field_name: str = "id") -> int:
    """An id from an integer or a numeric string (the docs' example sends "2").

    Not a number at all is a format error (110001); a number out of range a
    value the parameter does not allow (130008), as the schema says of both."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and not value.startswith("0")):
            raise DellinError.of(
                codes.WRONG_FORMAT, f"{field_name} must be a positive integer or a numeric string, not {value!r}",
                [field_name], bad_values=[value[:100]],
            )
        number = int(value) if len(value) <= 10 else MAX_ID + 1
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise DellinError.of(
            codes.WRONG_TYPE, f"{field_name} must be an integer or a numeric string, not {json_type(value)}", [field_name]
        )
    if not 1 <= number <= MAX_ID:
        raise DellinError.of(
            codes.INVALID_VALUE, f"{field_name} must be a positive integer up to {MAX_ID}, not {value!r}", [field_name],
            bad_values=[value],
        )
    return number
