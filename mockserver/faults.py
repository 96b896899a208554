"""Fault rules: injected failures for API calls and for webhook deliveries.

Rules apply in order; ``times`` limits how often one fires. This module knows
nothing of HTTP: the Flask layer asks it which rule, if any, applies.
"""
from __future__ import annotations

import copy
import itertools
import threading


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

    @staticmethod
    def _public(entry: dict) -> dict:
        return {"id": entry["id"], **copy.deepcopy(entry["rule"]), "fired": entry["fired"]}

    def _take(self, predicate) -> dict | None:
        """The first live rule that matches; counts it as fired."""
        with self._lock:
            for entry in self._rules:
                rule = entry["rule"]
                limit = _limit(rule)
                if limit is not None and entry["fired"] >= limit:
                    continue
                if predicate(rule):
                    entry["fired"] += 1
                    return {"id": entry["id"], **rule}
        return None

    def webhook_failure(self, url: str) -> dict | None:
        """How a delivery to ``url`` must fail, or None: ``{"status": N}`` or ``{"timeout": True}``."""
        fired = self._take(lambda rule: "webhook" in rule and rule["webhook"].get("url") == url)
        if fired is None:
            return None
        hook = fired["webhook"]
        if hook.get("timeout"):
            return {"timeout": True, "fault": fired["id"]}
        return {"status": int(hook.get("status", 500)), "fault": fired["id"]}


def _limit(rule: dict) -> int | None:
    """How many times a rule may fire: ``times``, or a webhook rule's ``fail: N``."""
    if "times" in rule:
        return int(rule["times"])
    hook = rule.get("webhook")
    if hook is not None and hook.get("fail", "always") != "always":
        return int(hook["fail"])
    return None
