"""Fault rules and their matching: which injected failure, if any, a call or
a webhook delivery meets.

Rules apply in order; ``times`` limits how often one fires. This module knows
nothing of HTTP: the Flask side (``faults.apply``) asks it which rule, if
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

from ..clock import parse_duration
from ..scenario.matcher import matches



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
