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
A webhook rule either fails deliveries to its url (``webhook: {url, fail,
status | timeout}``) or plays the network's tricks on them: ``duplicate:
true`` sends a delivered notification a second time, ``hold: "5m"`` holds a
first attempt back for a random while (up to that long, on the mock clock),
so that later notifications overtake it. Only the first live rule that
matches a call fires.

Chaos: ``probability: p`` makes a matching rule fire on that share of its
matches (one that does not fire lets the next rule match), and ``delay_ms``
may be a range ``{min, max}`` or ``{lognormal: {median, sigma}}``. Every
random choice comes from one generator per rule set, seeded by ``seed``, so
the same seed and the same calls give the same faults.
"""
from __future__ import annotations

import copy
import itertools
import math
import random
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from ..clock import parse_duration
from ..scenario.matcher import matches



MAX_DELAY_MS = 120_000  # the schema's bound on a fixed delay_ms, also the cap of a drawn one
CHAOS_WEBHOOK_KEYS = ("duplicate", "hold")


def new_seed() -> int:
    """A seed for a run that named none; shown with the rules so that it can be replayed."""
    return random.SystemRandom().randrange(2**32)


class FaultRules:
    def __init__(self, rules=(), seed: int | None = None):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rules: list[dict] = []
        self.seed = new_seed() if seed is None else seed
        self._random = random.Random(self.seed)  # every random choice, drawn under the lock
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
        """The first live rule that matches and fires; counts it as fired.
        A drawn delay is fixed in the rule returned."""
        with self._lock:
            for entry in self._rules:
                rule = entry["rule"]
                limit = _limit(rule)
                if limit is not None and entry["fired"] >= limit:
                    continue
                if not predicate(rule) or ("rate_limit" in rule and not _over_rate_limit(entry, at)):
                    continue
                if "probability" in rule and self._random.random() >= rule["probability"]:
                    continue
                entry["fired"] += 1
                fired = {"id": entry["id"], **rule}
                if isinstance(rule.get("delay_ms"), dict):
                    fired["delay_ms"] = self._drawn_delay(rule["delay_ms"])
                return fired
        return None

    def _drawn_delay(self, spec: dict) -> int:
        if "lognormal" in spec:
            shape = spec["lognormal"]
            drawn = self._random.lognormvariate(math.log(shape["median"]), shape["sigma"])
            return min(MAX_DELAY_MS, round(drawn))
        return self._random.randint(spec["min"], spec["max"])

    def request_fault(self, call: "Call") -> dict | None:
        """The first live request rule that matches ``call`` and fires; counted as fired."""
        return self._take(lambda rule: "when" in rule and call_matches(rule["when"], call), call.at)

    def webhook_failure(self, url: str) -> dict | None:
        """How a delivery to ``url`` must fail, or None: ``{"status": N}`` or ``{"timeout": True}``."""
        fired = self._take(lambda rule: _webhook_rule(rule, url) and not _chaos_webhook(rule))
        if fired is None:
            return None
        hook = fired["webhook"]
        if hook.get("timeout"):
            return {"timeout": True, "fault": fired["id"]}
        return {"status": int(hook.get("status", 500)), "fault": fired["id"]}

    def webhook_duplicate(self, url: str) -> int | None:
        """The id of the rule that sends a delivered notification to ``url`` once more, or None."""
        fired = self._take(lambda rule: _webhook_rule(rule, url) and rule["webhook"].get("duplicate"))
        return None if fired is None else fired["id"]

    def webhook_hold(self, url: str) -> tuple[int, int] | None:
        """(seconds, rule id) to hold a first attempt to ``url`` back, or None."""
        fired = self._take(lambda rule: _webhook_rule(rule, url) and "hold" in rule["webhook"])
        if fired is None:
            return None
        with self._lock:
            longest = max(1, int(parse_duration(fired["webhook"]["hold"])))
            return self._random.randint(1, longest), fired["id"]


def _webhook_rule(rule: dict, url: str) -> bool:
    return "webhook" in rule and rule["webhook"].get("url") == url


def _chaos_webhook(rule: dict) -> bool:
    return any(key in rule["webhook"] for key in CHAOS_WEBHOOK_KEYS)


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
    if hook is not None and not _chaos_webhook(rule) and hook.get("fail", "always") != "always":
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
