"""The one JSON subset matcher: scenario steps, fault rules and the test
helpers' assertions (``mockserver.testing``) all match with it.

Every key given must match; keys not given are ignored. Lists match element
by element and must have the same length. A dict whose keys all start with
``$`` is a matcher: ``$regex`` (a string searched with ``re.search``),
``$type`` (a JSON type name or a list of them) and ``$length`` (of an array,
string or object); several in one dict must all hold.

From Python, a pattern may also hold a compiled regex (searched in a string)
or a callable (a predicate on the value): what YAML cannot say.
"""
from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass

from ..body import json_type

JSON_TYPES = ("string", "number", "integer", "boolean", "null", "object", "array")
MATCHERS = ("$regex", "$type", "$length")


class _Absent:
    def __repr__(self):
        return "<absent>"


ABSENT = _Absent()


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: str  # what was wanted, in words
    actual: object  # what came back (ABSENT when the key is missing)

    def __str__(self) -> str:
        got = "nothing (the key is absent)" if self.actual is ABSENT else _short(self.actual)
        return f"at {self.path or '<root>'}: expected {self.expected}, got {got}"


def join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def is_matcher(value) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and k.startswith("$") for k in value)


def _has_type(value, name: str) -> bool:
    kind = json_type(value)
    if name == "number":
        return kind in ("number", "integer")
    if name == "integer":
        return kind == "integer" or (kind == "number" and float(value).is_integer())
    return kind == name


def _matcher_mismatches(matcher: dict, actual, path: str) -> list[Mismatch]:
    out = []
    if actual is ABSENT:
        return [Mismatch(path, _describe(matcher), ABSENT)]
    if "$type" in matcher:
        names = matcher["$type"] if isinstance(matcher["$type"], list) else [matcher["$type"]]
        if not any(_has_type(actual, n) for n in names):
            out.append(Mismatch(path, "a value of type " + " or ".join(names), actual))
    if "$regex" in matcher:
        if not isinstance(actual, str) or re.search(matcher["$regex"], actual) is None:
            out.append(Mismatch(path, f"a string matching /{matcher['$regex']}/", actual))
    if "$length" in matcher:
        if not isinstance(actual, (list, str, dict)) or len(actual) != matcher["$length"]:
            out.append(Mismatch(path, f"a length of {matcher['$length']}", actual))
    return out


def _describe(expected) -> str:
    if is_matcher(expected):
        parts = []
        if "$type" in expected:
            names = expected["$type"] if isinstance(expected["$type"], list) else [expected["$type"]]
            parts.append("of type " + " or ".join(names))
        if "$regex" in expected:
            parts.append(f"matching /{expected['$regex']}/")
        if "$length" in expected:
            parts.append(f"of length {expected['$length']}")
        return "a value " + ", ".join(parts)
    return _short(expected)


def _scalar_equal(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def _python_mismatches(expected, actual, path: str) -> list[Mismatch]:
    """A compiled regex or a predicate, given from Python."""
    if isinstance(expected, re.Pattern):
        if not isinstance(actual, str) or expected.search(actual) is None:
            return [Mismatch(path, f"a string matching /{expected.pattern}/", actual)]
        return []
    if actual is not ABSENT and expected(actual):
        return []
    return [Mismatch(path, f"a value for which {getattr(expected, '__name__', 'the predicate')} holds", actual)]


def mismatches(expected, actual, path: str = "") -> list[Mismatch]:
    """Every place where ``actual`` fails the subset pattern ``expected``."""
    if is_matcher(expected):
        return _matcher_mismatches(expected, actual, path)
    if isinstance(expected, re.Pattern) or callable(expected):
        return _python_mismatches(expected, actual, path)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Mismatch(path, "an object", actual)]
        out = []
        for key, want in expected.items():
            out.extend(mismatches(want, actual.get(key, ABSENT), join(path, key)))
        return out
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, list):
            return [Mismatch(path, f"an array of {len(expected)}", actual)]
        if len(actual) != len(expected):
            return [Mismatch(path, f"an array of {len(expected)} elements", f"{len(actual)} elements: {_short(actual)}")]
        out = []
        for index, (want, got) in enumerate(zip(expected, actual)):
            out.extend(mismatches(want, got, join(path, index)))
        return out
    if actual is ABSENT or not _scalar_equal(expected, actual):
        return [Mismatch(path, _short(expected), actual)]
    return []


def matches(expected, actual) -> bool:
    return not mismatches(expected, actual)


def pattern_problems(expected, path: str = "") -> list[tuple[str, str]]:
    """Mistakes in a pattern itself (unknown ``$`` keys, bad regex or type), for the loader."""
    out: list[tuple[str, str]] = []
    if isinstance(expected, dict):
        dollar = [k for k in expected if isinstance(k, str) and k.startswith("$")]
        if dollar and len(dollar) != len(expected):
            out.append((path, "a matcher object may hold only $ keys (" + ", ".join(MATCHERS) + ")"))
            return out
        if dollar:
            for key, value in expected.items():
                where = join(path, key)
                if key not in MATCHERS:
                    out.append((where, f"unknown matcher {key!r}; known: {', '.join(MATCHERS)}"))
                elif key == "$regex":
                    if not isinstance(value, str):
                        out.append((where, "$regex takes a string"))
                    else:
                        try:
                            re.compile(value)
                        except re.error as exc:
                            out.append((where, f"not a valid regular expression: {exc}"))
                elif key == "$type":
                    names = value if isinstance(value, list) else [value]
                    bad = [n for n in names if n not in JSON_TYPES]
                    if bad or not names:
                        out.append((where, f"$type takes one of {', '.join(JSON_TYPES)} (or a list of them), not {value!r}"))
                elif key == "$length":
                    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                        out.append((where, "$length takes a whole number >= 0"))
            return out
        for key, value in expected.items():
            out.extend(pattern_problems(value, join(path, key)))
    elif isinstance(expected, list):
        for index, value in enumerate(expected):
            out.extend(pattern_problems(value, join(path, index)))
    return out


# ------------------------------------------------------------------ diffs
def project(actual, expected):
    """``actual`` cut down to what ``expected`` talks about; where it matches, the
    pattern itself, so that a diff of the two shows only real differences."""
    if matches(expected, actual):
        return expected
    if is_matcher(expected) or actual is ABSENT or isinstance(expected, re.Pattern) or callable(expected):
        return "<absent>" if actual is ABSENT else actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: project(actual.get(k, ABSENT), v) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [project(a, e) for a, e in zip(actual, expected)]
    return actual


def _pretty(value) -> list[str]:
    return json.dumps(value, indent=2, ensure_ascii=False, default=repr, sort_keys=False).splitlines()


def diff(expected, actual, label: str = "") -> str:
    """The mismatches one per line, then a unified diff of expected vs actual."""
    found = mismatches(expected, actual, label)
    if not found:
        return ""
    lines = [str(m) for m in found]
    lines.extend(
        difflib.unified_diff(
            _pretty(expected), _pretty(project(actual, expected)), "expected", "actual", lineterm="", n=2
        )
    )
    return "\n".join(lines)


def _short(value, limit: int = 200) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, re.Pattern):
        return f"/{value.pattern}/"
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
