"""Applying request fault rules to a call: the Flask side of ``faults.rules``.

Runs as a ``before_request`` hook right after the call is tagged with its API
and operation. Admin calls are never faulted, so a scenario can always be
inspected and its faults cleared. Every fired rule is recorded in
``g.faults_fired`` (the journal shows it), and every response a fault makes
carries ``X-Mock-Fault: <rule id>``.
"""
from __future__ import annotations

import time

from flask import Response, current_app, g, request

from ..apis import ADMIN
from ..body import parse_json, raw_body
from ..connection_drop import DROP_ENVIRON
from ..errors import BodyProblem, profile_for
from ..web import respond, respond_error, runtime
from .rules import Call

FAULT_HEADER = "X-Mock-Fault"
# nginx's "closed without a response": what the journal records for a dropped call
DROPPED_STATUS = 444

# the delay action's wait; tests replace it to observe delays without waiting
sleep = time.sleep

# WSGI environ keys for a caller that runs the app in process (the interceptor),
# where no socket times out: the client's read timeout in seconds, which a
# delay does not outwait, and the mark that the client gave up at it
CLIENT_READ_TIMEOUT_ENVIRON = "mockserver.client_read_timeout"
CLIENT_GAVE_UP_ENVIRON = "mockserver.client_gave_up"


class ConnectionDropped(Exception):
    """Raised while the response is being sent, before any byte goes out.

    A real server never gets that far: the call is marked with
    ``DROP_ENVIRON`` and the server's adapter closes the connection (see
    ``server_granian``, ``server_waitress``). Under the Flask test client and
    the interceptor the exception reaches the caller."""


def _read_body():
    """The JSON or form body for ``when.body`` matching; None when there is none or it is unreadable."""
    try:
        raw = raw_body(request, runtime().config.max_body_bytes)
        if (request.mimetype or "") in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return request.form.to_dict(flat=True)
        return parse_json(raw) if raw.strip() else None
    except BodyProblem:
        return None


def apply_request_faults():
    if g.get("api") == ADMIN or not runtime().faults.has_rules():
        return None
    call = Call(
        api=g.api,
        operation=g.get("operation"),
        method=request.method,
        path=request.path,
        query=request.args.to_dict(flat=True),
        read_body=_read_body,
        at=runtime().clock.now(),
    )
    rule = runtime().faults.request_fault(call)
    if rule is None:
        return None
    g.faults_fired.append(_fired(rule))
    if rule.get("delay_ms"):
        _delay(rule["delay_ms"] / 1000.0)
    if rule.get("drop_connection"):
        return _dropped(rule)
    if "respond" in rule:
        if call._body_read and g.get("request_body") is None:
            g.request_body = call.body
        return _answer(rule)
    return None


def _delay(seconds: float) -> None:
    """Wait before answering. A client whose read timeout is shorter stops
    waiting then, and the call goes on as on a server whose client has gone."""
    patience = request.environ.get(CLIENT_READ_TIMEOUT_ENVIRON)
    if patience is not None and seconds > patience:
        sleep(patience)
        request.environ[CLIENT_GAVE_UP_ENVIRON] = True
        return
    sleep(seconds)


def _fired(rule: dict) -> dict:
    action = "drop_connection" if rule.get("drop_connection") else (
        "error" if "error" in rule.get("respond", {}) else "status" if "respond" in rule else "delay"
    )
    out = {"id": rule["id"], "action": action}
    if "delay_ms" in rule:
        out["delay_ms"] = rule["delay_ms"]
    return out


def _answer(rule: dict):
    respond_with = rule["respond"]
    headers = {FAULT_HEADER: str(rule["id"]), **respond_with.get("headers", {})}
    if "error" in respond_with:
        error = profile_for(g.api).injected(respond_with["error"], f"injected by fault rule {rule['id']}")
        return respond_error(error, headers=headers)
    body = respond_with.get("body", "")
    if isinstance(body, str):
        g.response_body = body
        response = Response(body, status=respond_with["status"], content_type=respond_with.get("content_type", "text/plain; charset=utf-8"))
        response.headers.update(headers)
        return response
    response = respond(body, respond_with["status"], headers=headers)
    if "content_type" in respond_with:
        response.content_type = respond_with["content_type"]
    return response


def _dropped(rule: dict):
    def body():
        raise ConnectionDropped(f"fault rule {rule['id']} dropped the connection")
        yield b""  # a generator: nothing runs until the server starts sending

    g.response_body = None
    request.environ[DROP_ENVIRON] = True
    response = current_app.response_class(body(), status=DROPPED_STATUS, mimetype="application/json")
    response.headers[FAULT_HEADER] = str(rule["id"])
    return response
