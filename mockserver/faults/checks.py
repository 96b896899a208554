"""Checking fault rules before they are stored: the schema first, then what a
schema cannot say (known operations, documented error codes, headers the
server owns)."""
from __future__ import annotations

from ..apis import ADMIN
from ..clock import parse_duration
from ..errors import profile_for
from ..registry import OPERATIONS, operation_by_name
from ..scenario.matcher import pattern_problems
from ..schemas import default_schemas
from .rules import CHAOS_WEBHOOK_KEYS

FAULT_SCHEMA = "scenario/fault.schema.json"
REQUEST_ACTIONS = ("respond", "delay_ms", "drop_connection")
# response headers a rule may not set (compared in lower case): the server owns
# the connection and the framing, and waitress refuses hop-by-hop headers from
# an application, so a rule with one would turn every call it matches into a 500
SERVER_OWNED_HEADERS = frozenset({
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade", "content-length",
})


def _duration_problems(value, where: str) -> list[tuple[str, str]]:
    try:
        if parse_duration(value) <= 0:
            raise ValueError("must be longer than 0 seconds")
    except ValueError as exc:
        return [(where, str(exc))]
    return []


def rule_problems(rule, path: str = "") -> list[tuple[str, str]]:
    """Every way ``rule`` is wrong, as ``(path, message)``: the schema first, then
    what a schema cannot say (known operations, documented error codes)."""
    prefix = (path + ".") if path else ""
    found = [
        ((prefix + p.path) if p.path else path, p.message)
        for p in default_schemas().problems(FAULT_SCHEMA, rule)
    ]
    if found or not isinstance(rule, dict):
        return found
    return _semantic_problems(rule, path)


def _semantic_problems(rule: dict, path: str) -> list[tuple[str, str]]:
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
        chaos = [k for k in CHAOS_WEBHOOK_KEYS if k in hook]
        failure = [k for k in ("fail", "status", "timeout") if k in hook]
        if len(chaos) > 1 or (chaos and failure):
            out.append((at("webhook"), f"a webhook rule fails deliveries (fail, status, timeout) or plays one trick "
                                       f"on them (duplicate or hold), not {' and '.join(chaos + failure)}"))
        if "hold" in hook:
            out.extend(_duration_problems(hook["hold"], at("webhook.hold")))
        return out
    if "when" not in rule:
        out.append((path, "a rule needs when (for API calls) or webhook (for deliveries)"))
        return out
    if not any(k in rule for k in REQUEST_ACTIONS):
        out.append((path, "a request rule needs an action: respond, delay_ms or drop_connection"))
    if "respond" in rule and rule.get("drop_connection"):
        out.append((path, "respond and drop_connection cannot go together"))
    if "rate_limit" in rule:
        out.extend(_duration_problems(rule["rate_limit"]["per"], at("rate_limit.per")))
    delay = rule.get("delay_ms")
    if isinstance(delay, dict) and "min" in delay and delay["min"] > delay["max"]:
        out.append((at("delay_ms"), f"min ({delay['min']}) must be at most max ({delay['max']})"))
    if isinstance(delay, dict) and "lognormal" in delay and delay["lognormal"]["median"] <= 0:
        out.append((at("delay_ms.lognormal.median"), "the median must be above 0 ms"))
    when = rule["when"]
    api = when.get("api")
    if "operation" in when:
        operation = operation_by_name(when["operation"])
        known = sorted(op.name for op in OPERATIONS if op.api != ADMIN)
        if operation is None or operation.api == ADMIN:
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
