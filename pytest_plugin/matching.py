"""Matchers that explain themselves: each returns ``(matched, reason)``.

Used by ``mock.assert_called`` and ``mock.assert_delivered`` to say, for
every call that came close, which field did not match and why.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

Outcome = tuple[bool, str]

_MISSING = object()


class Record(dict):
    """A journal or delivery-log entry: a dict whose keys also read as attributes."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no field {name!r} in this record (fields: {', '.join(self)})") from None


def records(rows: Iterable[dict]) -> list[Record]:
    return [Record(row) for row in rows]


def _match_fields(expected: dict, actual: dict, where: str, missing: Callable[[str, Any], str]) -> Outcome:
    """Every key of ``expected`` in ``actual``, matched in turn; ``missing`` words an absent one."""
    for key, want in expected.items():
        path = f"{where}.{key}" if where else str(key)
        got = actual.get(key, _MISSING)
        if got is _MISSING:
            return False, missing(path, want)
        ok, reason = match_value(want, got, path)
        if not ok:
            return False, reason
    return True, ""


def match_value(expected: Any, actual: Any, where: str = "") -> Outcome:
    """A JSON subset match: dict keys given must match, lists element by element.

    ``expected`` may also be a compiled regex (searched in a string), or a
    callable returning a bool.
    """
    label = where or "value"
    if isinstance(expected, re.Pattern):
        if not isinstance(actual, str):
            return False, f"{label} is {actual!r}, not a string to match /{expected.pattern}/"
        if expected.search(actual) is None:
            return False, f"{label} is {actual!r}, which does not match /{expected.pattern}/"
        return True, ""
    if callable(expected):
        ok = bool(expected(actual))
        name = getattr(expected, "__name__", "predicate")
        return ok, "" if ok else f"{label} is {actual!r}, which fails {name}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False, f"{label} is {_short(actual)}, expected an object"
        return _match_fields(expected, actual, where, lambda path, want: f"{path} is missing, expected {_short(want)}")
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, list):
            return False, f"{label} is {_short(actual)}, expected a list"
        if len(expected) != len(actual):
            return False, f"{label} has {len(actual)} item(s), expected {len(expected)}"
        for index, (want, got) in enumerate(zip(expected, actual)):
            ok, reason = match_value(want, got, f"{where}[{index}]")
            if not ok:
                return False, reason
        return True, ""
    # bool is an int in Python; in JSON true is not 1
    if actual == expected and isinstance(actual, bool) == isinstance(expected, bool):
        return True, ""
    return False, f"{label} is {_short(actual)}, expected {_short(expected)}"


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------ journal calls
# keyword of assert_called -> how to read it from a journal entry
CALL_FIELDS: dict[str, Callable[[dict], Any]] = {
    "api": lambda e: e.get("api"),
    "method": lambda e: e.get("method"),
    "path": lambda e: e.get("path"),
    "status": lambda e: (e.get("response") or {}).get("status"),
    "query": lambda e: e.get("query") or {},
    "json": lambda e: (e.get("request") or {}).get("json"),
    "response": lambda e: (e.get("response") or {}).get("json"),
}


def call_matcher(operation: str | None, match: dict) -> Callable[[dict], Outcome]:
    unknown = set(match) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(
            f"assert_called() got unknown field(s) {', '.join(sorted(unknown))}; "
            f"it matches on: operation, {', '.join(CALL_FIELDS)}"
        )

    def matches(entry: dict) -> Outcome:
        if operation is not None and entry.get("operation") != operation:
            return False, f"operation is {entry.get('operation')!r}, expected {operation!r}"
        for name, want in match.items():
            if name == "method" and isinstance(want, str):
                want = want.upper()
            ok, reason = match_value(want, CALL_FIELDS[name](entry), name)
            if not ok:
                return False, reason
        return True, ""

    return matches


def describe_call(entry: dict) -> str:
    status = (entry.get("response") or {}).get("status")
    return f"#{entry.get('id', '?')} {entry.get('method')} {entry.get('path')} ({entry.get('operation')}) -> {status}"


# ------------------------------------------------------------------ deliveries
def record_matcher(match: dict) -> Callable[[dict], Outcome]:
    """Each keyword is a top-level field of the record, matched as a JSON subset."""

    def matches(entry: dict) -> Outcome:
        return _match_fields(match, entry, "", lambda name, want: f"{name} is missing (fields: {', '.join(entry)})")

    return matches


def describe_delivery(entry: dict) -> str:
    parts = [f"{key}={entry[key]!r}" for key in DELIVERY_SUMMARY_FIELDS if key in entry]
    return ", ".join(parts) or _short(entry, 160)


DELIVERY_SUMMARY_FIELDS = (
    "subscription_id", "attempt", "url", "event_type", "order_number", "outcome", "status", "error",
)


# ------------------------------------------------------------------ the verdict
def check_count(
    what: str,
    entries: list[dict],
    matcher: Callable[[dict], Outcome],
    times: int | None,
    describe: Callable[[dict], str],
    *,
    close: Callable[[dict], bool] = lambda e: True,
    limit: int = 10,
) -> list[dict]:
    """The matching entries; raises AssertionError listing the near misses."""
    __tracebackhide__ = True
    verdicts = [(entry, *matcher(entry)) for entry in entries]
    hits = [entry for entry, ok, _ in verdicts if ok]
    if (times is None and hits) or (times is not None and len(hits) == times):
        return hits
    expected = "at least once" if times is None else f"{times} time(s)"
    lines = [f"expected {what} {expected}, found {len(hits)} matching of {len(entries)} recorded"]
    if times is not None and len(hits) > times:
        lines.append("matching:")
        lines += [f"  {describe(entry)}" for entry in hits[:limit]]
    misses = [(entry, reason) for entry, ok, reason in verdicts if not ok]
    near = [(e, r) for e, r in misses if close(e)] or misses
    if near:
        lines.append("close calls and why they did not match:")
        for entry, reason in near[:limit]:
            lines.append(f"  {describe(entry)}: {reason}")
        if len(near) > limit:
            lines.append(f"  ... and {len(near) - limit} more")
    elif not entries:
        lines.append("nothing was recorded")
    raise AssertionError("\n".join(lines))
