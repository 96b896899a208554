"""Filters on the request journal: ``GET /__mock/requests?api=&operation=&status=&since=&limit=``
and the matcher body of ``POST /__mock/requests/count``.

Both read into one ``JournalFilter``. A parameter or a key the journal does
not know is refused, never ignored: a typo in a filter would otherwise
answer with every call and look like a pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..apis import DELLIN, NAVIXY
from ..clock import parse_date_time
from ..errors import AdminError
from ..faults.rules import Call, call_matches
from ..journal import JournalCall
from ..registry import OPERATIONS
from ..scenario.matcher import pattern_problems

QUERY_PARAMS = ("api", "operation", "status", "since", "limit")
JOURNALED_APIS = (NAVIXY, DELLIN)  # admin calls are not journaled
MAX_LIMIT = 1_000_000
# used with fullmatch: a trailing newline is not part of a status or a limit
_STATUS = re.compile(r"[1-5][0-9][0-9]")
_STATUS_CLASS = re.compile(r"([1-5])xx", re.IGNORECASE)
_LIMIT = re.compile(r"[1-9][0-9]{0,6}")
# the count matcher's keys that a fault rule's ``when`` also has, matched the same way
CALL_KEYS = ("method", "path", "query", "body")


@dataclass(frozen=True)
class JournalFilter:
    api: str | None = None
    operation: str | None = None
    status: int | None = None  # an exact HTTP status
    status_class: int | None = None  # 4 for "4xx"
    since: datetime | None = None  # calls at or after this instant of the mock clock
    when: dict | None = None  # method, path, query, body: as in a fault rule's ``when``

    def __call__(self, call: JournalCall) -> bool:
        if self.api is not None and call.api != self.api:
            return False
        if self.operation is not None and call.operation != self.operation:
            return False
        if self.status is not None and call.status != self.status:
            return False
        if self.status_class is not None and (call.status or 0) // 100 != self.status_class:
            return False
        if self.since is not None:
            time = call.time
            if time is None or time < self.since:
                return False
        if self.when:
            subject = Call(call.api, call.operation, call.method or "", call.path or "", call.query, call.body)
            return call_matches(self.when, subject)
        return True


def _known_operations() -> list[str]:
    return sorted(op.name for op in OPERATIONS if op.api in JOURNALED_APIS)


def _problems_of(values: dict) -> tuple[dict, list[dict]]:
    """The filter fields of ``values`` (strings, or JSON values from a body), and what is wrong with them."""
    fields, problems = {}, []

    def wrong(key, message):
        problems.append({"path": key, "message": message})

    if "api" in values:
        if values["api"] in JOURNALED_APIS:
            fields["api"] = values["api"]
        else:
            wrong("api", f"api must be one of {', '.join(JOURNALED_APIS)} (admin calls are not journaled)")
    if "operation" in values:
        known = _known_operations()
        if values["operation"] in known:
            fields["operation"] = values["operation"]
        else:
            wrong("operation", f"unknown operation {values['operation']!r}; known: {', '.join(known)}")
    if "status" in values:
        status = values["status"]
        text = str(status) if isinstance(status, int) and not isinstance(status, bool) else status
        if isinstance(text, str) and _STATUS.fullmatch(text):
            fields["status"] = int(text)
        elif isinstance(text, str) and _STATUS_CLASS.fullmatch(text):
            fields["status_class"] = int(text[0])
        else:
            wrong("status", "status must be an HTTP status such as 404, or a class such as 4xx")
    if "since" in values:
        try:
            fields["since"] = parse_date_time(values["since"])
        except ValueError:
            wrong("since", "since must be an RFC 3339 date-time such as 2024-06-01T09:00:00Z")
    return fields, problems


def filter_from_query(args) -> tuple[JournalFilter, int | None]:
    """The filter and the limit of ``GET /__mock/requests``; AdminError 400 on any bad parameter."""
    unknown = sorted(set(args) - set(QUERY_PARAMS))
    problems = [
        {"path": name, "message": f"unknown parameter; the journal is filtered by {', '.join(QUERY_PARAMS)}"}
        for name in unknown
    ]
    repeated = sorted(name for name in set(args) if name in QUERY_PARAMS and len(args.getlist(name)) > 1)
    problems += [{"path": name, "message": "give this parameter once"} for name in repeated]
    values = {name: args.get(name) for name in QUERY_PARAMS if name in args}
    fields, found = _problems_of(values)
    problems += found
    limit = None
    if "limit" in values:
        text = values["limit"]
        if _LIMIT.fullmatch(text or "") and 1 <= int(text) <= MAX_LIMIT:
            limit = int(text)
        else:
            problems.append({"path": "limit", "message": f"limit must be a whole number from 1 to {MAX_LIMIT}"})
    if problems:
        raise AdminError("the journal filter is not valid", problems)
    return JournalFilter(**fields), limit


def filter_from_matcher(body: dict) -> JournalFilter:
    """The filter of a count matcher body (already checked against its schema); AdminError 422."""
    fields, problems = _problems_of(body)
    when = {key: body[key] for key in CALL_KEYS if key in body}
    for key in ("path", "query", "body"):
        if key in when:
            problems += [{"path": path, "message": message} for path, message in pattern_problems(when[key], key)]
    if problems:
        raise AdminError("the request matcher is not valid", problems, status=422)
    return JournalFilter(**fields, when=when or None)

