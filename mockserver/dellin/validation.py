"""Dellin request checking: the body is held against the operation's JSON
Schema, and every way it fails becomes a Dellin problem naming the field."""
from __future__ import annotations

from ..body import json_type
from ..errors import DellinError, DellinProblem
from ..schemas import format_path
from . import codes

# JSON Schema keyword -> our code; anything not listed is an invalid value
_CODE_BY_KEYWORD = {
    "required": codes.MISSING,
    "type": codes.WRONG_TYPE,
    "additionalProperties": codes.UNKNOWN_PARAMETER,
    "uniqueItems": codes.DUPLICATE,
    "maxItems": codes.TOO_MANY,
}
_TYPE_WORDS = {
    "integer": "an integer",
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "a boolean",
    "number": "a number",
    "null": "null",
}


def check_body(schemas, schema_name: str, body: dict, *, allow_unknown: bool = False) -> None:
    """Raise one ``DellinError`` listing every problem, or return."""
    problems: list[DellinProblem] = []
    for error in sorted(schemas.validator(schema_name).iter_errors(body), key=_order):
        for problem in _problems_of(error):
            if allow_unknown and problem.code == codes.UNKNOWN_PARAMETER:
                continue
            _merge(problems, problem)
    if problems:
        raise DellinError(*problems)


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
    code = _CODE_BY_KEYWORD.get(keyword, codes.INVALID)
    where = _where(path)
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        # jsonschema reports each missing name as its own error; merging drops the repeats
        return [DellinProblem(codes.MISSING, f"{name} is required", [name]) for name in missing]
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = [name for name in error.instance if name not in allowed]
        return [
            DellinProblem(
                codes.UNKNOWN_PARAMETER,
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
        detail = f"{where}: {error.instance!r} is not one of {', '.join(map(str, valid))}"
        return [DellinProblem(code, detail, [_field_of(path)], valid_values=valid, bad_values=[error.instance])]
    if keyword == "uniqueItems":
        repeated = _repeats(error.instance)
        return [DellinProblem(code, f"{where} repeats {', '.join(map(str, repeated))}", [_field_of(path)], bad_values=repeated)]
    detail = _value_detail(keyword, error, where)
    bad = [error.instance] if not isinstance(error.instance, (list, dict)) else None
    return [DellinProblem(code, detail, [_field_of(path)], bad_values=bad)]


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
        return f"{where}: {error.instance!r} is not well formed (expected {limit})"
    if keyword == "minLength":
        return f"{where} must not be empty" if limit == 1 else f"{where} is shorter than {limit} characters"
    if keyword == "maxLength":
        return f"{where} is longer than {limit} characters"
    return f"{where}: {error.message}"


def _repeats(values) -> list:
    seen, repeated = [], []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.append(value)
    return repeated


def _merge(problems: list[DellinProblem], new: DellinProblem) -> None:
    """One problem per (code, field): several bad roles become one problem with every bad value."""
    for old in problems:
        if old.code == new.code and old.fields == new.fields:
            if new.bad_values:
                old.bad_values = (old.bad_values or []) + [v for v in new.bad_values if v not in (old.bad_values or [])]
            return
    problems.append(new)


# ---------------------------------------------------------------- ids
MAX_ID = 2147483647


def subscription_id(value, field_name: str = "id") -> int:
    """An id from an integer or a numeric string (the docs' example sends "2")."""
    if isinstance(value, str):
        if value.isascii() and value.isdigit() and not value.startswith("0") and 1 <= int(value) <= MAX_ID:
            return int(value)
    elif isinstance(value, float) and value.is_integer() and 1 <= value <= MAX_ID:
        return int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= MAX_ID:
            return value
    else:
        raise DellinError.of(
            codes.WRONG_TYPE, f"{field_name} must be an integer or a numeric string, not {json_type(value)}", [field_name]
        )
    raise DellinError.of(
        codes.INVALID, f"{field_name} must be a positive integer up to {MAX_ID}, not {value!r}", [field_name],
        bad_values=[value],
    )
