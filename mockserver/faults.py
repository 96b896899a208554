"""Fault rules: injected failures for API calls and for webhook deliveries.

Rules apply in order; ``times`` limits how often one fires. This module knows
nothing of HTTP: the Flask layer (``fault_injection``) asks it which rule, if
any, applies to a call, and the delivery engine asks it about webhook URLs.

A request rule has ``when`` (api, operation, method, path, query, body; each
optional, all given must hold) and an action: ``respond: {error: N}`` (the
API's own envelope), ``respond: {status, body}`` (raw), ``delay_ms`` and/or
``drop_connection: true``. ``rate_limit: {calls: N, per: "1m"}`` narrows a
request rule to the calls over a limit: the rule lets N matching calls through
in any window of that length on the mock clock, and fires on the ones beyond.
A webhook rule is ``webhook: {url, fail, status | timeout}``. Only the first
live rule that matches a call fires.
"""
from __future__ import annotations

import copy
import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from .clock import parse_duration
from .scenario.matcher import matches, pattern_problems

FAULT_SCHEMA = "scenario/fault.schema.json"
REQUEST_ACTIONS = ("respond", "delay_ms", "drop_connection")
# response headers a rule may not set (compared in lower case): the server owns
# the connection and the framing, and waitress refuses hop-by-hop headers from
# an application, so a rule with one would turn every call it matches into a 500
SERVER_OWNED_HEADERS = frozenset({
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade", "content-length",
})


class FaultRules:
    def __init__(self, rules=()):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rules: list[dict] = []
        for rule in rules:
            self.add(rule)

    def add(self, rule: dict) -> dict:
        entry = {"id": next(self._ids), "rule": copy.deepcopy(rule), "fired": 0}
        with self._lock:
            self._rules.append(entry)
        return self._public(entry)

    def list(self) -> list[dict]:
        with self._lock:
            return [self._public(e) for e in self._rules]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def has_rules(self) -> bool:
        """Whether any rule is set: the per-request check skips all work without one.
        (A list's length is read atomically; no lock needed.)"""
        return bool(self._rules)

    @staticmethod
    def _public(entry: dict) -> dict:
        return {"id": entry["id"], **copy.deepcopy(entry["rule"]), "fired": entry["fired"]}

    def _take(self, predicate, at: datetime | None = None) -> dict | None:
        """The first live rule that matches; counts it as fired."""
        with self._lock:
            for entry in self._rules:
                rule = entry["rule"]
                limit = _limit(rule)
                if limit is not None and entry["fired"] >= limit:
                    continue
                if predicate(rule) and ("rate_limit" not in rule or _over_rate_limit(entry, at)):
                    entry["fired"] += 1
                    return {"id": entry["id"], **rule}
        return None

    def request_fault(self, call: "Call") -> dict | None:
        """The first live request rule that matches ``call``; counted as fired."""
        return self._take(lambda rule: "when" in rule and call_matches(rule["when"], call), call.at)

    def webhook_failure(self, url: str) -> dict | None:
        """How a delivery to ``url`` must fail, or None: ``{"status": N}`` or ``{"timeout": True}``."""
        fired = self._take(lambda rule: "webhook" in rule and rule["webhook"].get("url") == url)
        if fired is None:
            return None
        hook = fired["webhook"]
        if hook.get("timeout"):
            return {"timeout": True, "fault": fired["id"]}
        return {"status": int(hook.get("status", 500)), "fault": fired["id"]}


def _over_rate_limit(entry: dict, at: datetime | None) -> bool:
    """Whether a matching call at ``at`` is over the rule's limit. Calls let
    through are counted; refused ones are not, so a client that backs off for
    the window's length gets through again."""
    limit = entry["rule"]["rate_limit"]
    if at is None:  # a call without a time cannot be placed in a window
        return False
    window: deque = entry.setdefault("window", deque())
    cutoff = at - timedelta(seconds=parse_duration(limit["per"]))
    while window and window[0] <= cutoff:
        window.popleft()
    if len(window) < limit["calls"]:
        window.append(at)
        return False
    return True


def _limit(rule: dict) -> int | None:
    """How many times a rule may fire: ``times``, or a webhook rule's ``fail: N``."""
    if "times" in rule:
        return int(rule["times"])
    hook = rule.get("webhook")
    if hook is not None and hook.get("fail", "always") != "always":
        return int(hook["fail"])
    return None


# ------------------------------------------------------------------ matching
@dataclass
class Call:
    """What a request rule can see of a call. ``body`` is read only if a rule asks."""

    api: str
    operation: str | None
    method: str
    path: str
    query: dict = field(default_factory=dict)
    read_body: Callable[[], object] = lambda: None
    at: datetime | None = None  # the mock clock's time of the call, for rate limits
    _body: object = field(default=None, init=False, repr=False)
    _body_read: bool = field(default=False, init=False, repr=False)

    @property
    def body(self):
        if not self._body_read:
            self._body = self.read_body()
            self._body_read = True
        return self._body


def call_matches(when: dict, call: Call) -> bool:
    if "api" in when and when["api"] != call.api:
        return False
    if "operation" in when and when["operation"] != call.operation:
        return False
    if "method" in when:
        methods = when["method"] if isinstance(when["method"], list) else [when["method"]]
        if call.method.upper() not in {m.upper() for m in methods}:
            return False
    if "path" in when and not matches(when["path"], call.path):
        return False
    if "query" in when and not matches(when["query"], call.query):
        return False
    if "body" in when:
        body = call.body
        if not isinstance(body, dict) or not matches(when["body"], body):
            return False
    return True


# ------------------------------------------------------------------ validation
def rule_problems(rule, path: str = "") -> list[tuple[str, str]]:
    """Every way ``rule`` is wrong, as ``(path, message)``: the schema first, then
    what a schema cannot say (known operations, documented error codes)."""
    from .schemas import default_schemas

    prefix = (path + ".") if path else ""
    found = [
        ((prefix + p.path) if p.path else path, p.message)
        for p in default_schemas().problems(FAULT_SCHEMA, rule)
    ]
    if found or not isinstance(rule, dict):
        return found
    return _semantic_problems(rule, path)


def _semantic_problems(rule: dict, path: str) -> list[tuple[str, str]]:
    from .operations_index import all_operations, operation_by_name

    def at(key):
        return f"{path}.{key}" if path else key

    out = []
    if "webhook" in rule:
        extra = [k for k in ("when", "rate_limit") + REQUEST_ACTIONS if k in rule]
        if extra:
            out.append((path, f"a webhook rule cannot also have {', '.join(extra)}"))
        hook = rule["webhook"]
        if "status" in hook and hook.get("timeout"):
            out.append((at("webhook"), "give either status or timeout, not both"))
        return out
    if "when" not in rule:
        out.append((path, "a rule needs when (for API calls) or webhook (for deliveries)"))
        return out
    if not any(k in rule for k in REQUEST_ACTIONS):
        out.append((path, "a request rule needs an action: respond, delay_ms or drop_connection"))
    if "respond" in rule and rule.get("drop_connection"):
        out.append((path, "respond and drop_connection cannot go together"))
    if "rate_limit" in rule:
        try:
            if parse_duration(rule["rate_limit"]["per"]) <= 0:
                raise ValueError("the window must be longer than 0 seconds")
        except ValueError as exc:
            out.append((at("rate_limit.per"), str(exc)))
    when = rule["when"]
    api = when.get("api")
    if "operation" in when:
        operation = operation_by_name(when["operation"])
        known = sorted(op.name for op in all_operations() if op.api != "admin")
        if operation is None or operation.api == "admin":
            out.append((at("when.operation"), f"unknown operation {when['operation']!r}; known: {', '.join(known)}"))
            return out  # the error code cannot be checked without knowing the API
        elif api is not None and operation.api != api:
            out.append((at("when.operation"), f"{when['operation']} belongs to api {operation.api}, not {api}"))
        else:
            api = operation.api
    for key in ("path", "query", "body"):
        if key in when:
            out.extend(pattern_problems(when[key], at(f"when.{key}")))
    respond = rule.get("respond") or {}
    if "error" in respond and "status" in respond:
        out.append((at("respond"), "give either error (an API error code) or status (a raw answer), not both"))
    elif "error" in respond:
        out.extend(_error_code_problems(respond["error"], api, at("respond.error")))
    elif "respond" in rule and "status" not in respond:
        out.append((at("respond"), "respond needs error (an API error code) or status (a raw answer)"))
    if "body" in respond and "status" not in respond:
        out.append((at("respond.body"), "body goes with a raw status, not with an API error code"))
    out.extend(_header_problems(respond.get("headers") or {}, at("respond.headers")))
    return out


def _header_problems(headers: dict, where: str) -> list[tuple[str, str]]:
    """The schema checks names and values; it cannot compare names case-insensitively."""
    owned = [name for name in headers if name.lower() in SERVER_OWNED_HEADERS]
    if not owned:
        return []
    return [(where, f"{', '.join(owned)}: hop-by-hop and framing headers are set by the server, not by a rule")]


def _error_code_problems(code: int, api: str | None, where: str) -> list[tuple[str, str]]:
    from .errors import ADMIN, profile_for

    if api is None or api == ADMIN:
        return [(where, "an API error code needs when.api or when.operation (navixy or dellin) to pick the envelope")]
    profile = profile_for(api)
    if code not in profile.codes():
        return [(where, profile.unknown_code_message(code))]
    return []


def rules_problems(rules, path: str = "faults") -> list[tuple[str, str]]:
    if not isinstance(rules, list):
        return [(path, "must be a list of rules")]
    out = []
    for index, rule in enumerate(rules):
        out.extend(rule_problems(rule, f"{path}[{index}]"))
    return out
