"""Assertions on the journal and the delivery log that explain themselves.

Fields are matched with the one JSON subset matcher
(``mockserver.scenario.matcher``): dicts as subsets, lists element by
element, ``{"$regex": ...}``/``{"$type": ...}``/``{"$length": ...}``
matchers, and from Python a compiled regex or a predicate. A failure lists
the entries that came close and, for each, where it did not match.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..scenario.matcher import ABSENT, mismatches

Reason = str  # "" when the entry matches


class Record(dict):
    """A journal or delivery-log entry: a dict whose keys also read as attributes."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no field {name!r} in this record (fields: {', '.join(self)})") from None


def records(rows: Iterable[dict]) -> list[Record]:
    return [Record(row) for row in rows]


def why_not(expected: Any, actual: Any, where: str) -> Reason:
    """Where ``actual`` fails the pattern ``expected``, one place per ``; ``; "" when it matches."""
    return "; ".join(str(m) for m in mismatches(expected, actual, where))


# ------------------------------------------------------------------ journal calls
# keyword of assert_called -> how to read it from a journal entry
CALL_FIELDS: dict[str, Callable[[dict], Any]] = {
    "api": lambda e: e.get("api", ABSENT),
    "method": lambda e: e.get("method", ABSENT),
    "path": lambda e: e.get("path", ABSENT),
    "status": lambda e: (e.get("response") or {}).get("status", ABSENT),
    "query": lambda e: e.get("query") or {},
    "json": lambda e: (e.get("request") or {}).get("json"),
    "response": lambda e: (e.get("response") or {}).get("json"),
}


def call_matcher(operation: str | None, match: dict) -> Callable[[dict], Reason]:
    unknown = set(match) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(
            f"assert_called() got unknown field(s) {', '.join(sorted(unknown))}; "
            f"it matches on: operation, {', '.join(CALL_FIELDS)}"
        )
    wanted = {name: want.upper() if name == "method" and isinstance(want, str) else want
              for name, want in match.items()}

    def reason(entry: dict) -> Reason:
        if operation is not None and entry.get("operation") != operation:
            return why_not(operation, entry.get("operation"), "operation")
        for name, want in wanted.items():
            found = why_not(want, CALL_FIELDS[name](entry), name)
            if found:
                return found
        return ""

    return reason


def describe_call(entry: dict) -> str:
    status = (entry.get("response") or {}).get("status")
    return f"#{entry.get('id', '?')} {entry.get('method')} {entry.get('path')} ({entry.get('operation')}) -> {status}"


# ------------------------------------------------------------------ deliveries
def record_matcher(match: dict) -> Callable[[dict], Reason]:
    """Each keyword is a top-level field of the record, matched as a JSON subset."""

    def reason(entry: dict) -> Reason:
        return why_not(match, entry, "")

    return reason


DELIVERY_SUMMARY_FIELDS = (
    "subscription_id", "attempt", "url", "event_type", "order_number", "outcome", "status", "error",
)


def describe_delivery(entry: dict) -> str:
    parts = [f"{key}={entry[key]!r}" for key in DELIVERY_SUMMARY_FIELDS if key in entry]
    return ", ".join(parts) or repr(entry)[:160]


# ------------------------------------------------------------------ the verdict
def check_count(
    what: str,
    entries: list[dict],
    matcher: Callable[[dict], Reason],
    times: int | None,
    describe: Callable[[dict], str],
    *,
    close: Callable[[dict], bool] = lambda e: True,
    limit: int = 10,
) -> list[dict]:
    """The matching entries; raises AssertionError listing the near misses."""
    __tracebackhide__ = True
    verdicts = [(entry, matcher(entry)) for entry in entries]
    hits = [entry for entry, reason in verdicts if not reason]
    if (times is None and hits) or (times is not None and len(hits) == times):
        return hits
    expected = "at least once" if times is None else f"{times} time(s)"
    lines = [f"expected {what} {expected}, found {len(hits)} matching of {len(entries)} recorded"]
    if times is not None and len(hits) > times:
        lines.append("matching:")
        lines += [f"  {describe(entry)}" for entry in hits[:limit]]
    misses = [(entry, reason) for entry, reason in verdicts if reason]
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
