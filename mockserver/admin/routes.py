"""Admin API views: thin wrappers over MockRuntime. ``VIEWS`` holds every
admin view, those of the fault and delivery routes included."""
from __future__ import annotations

from flask import request

from ..body import BodyProblem, parse_json, raw_body
from ..clock import ClockRangeError, parse_duration
from ..errors import AdminError
from ..scenario.loader import DocumentTooLarge, ScenarioError, available, parse_text
from ..web import respond, runtime
from . import delivery_routes, fault_routes, tls_routes
from . import operations as ops
from .journal_query import filter_from_matcher, filter_from_query
from .request_body import json_body, schema_checked


def health():
    return respond({"status": "ok"})


def reset():
    body = json_body(required=False)
    schema_checked("admin/reset_request.schema.json", body)
    runtime().reset(seed=body.get("seed"))
    return respond({"status": "reset"})


def state_get():
    return respond(runtime().dump_state())


def state_put():
    state = json_body()
    schema_checked("state.schema.json", state)
    try:
        runtime().replace_state(state)
    except ValueError as exc:
        # the schema allows it but it does not hold together (e.g. a DellinSeedError)
        raise AdminError(str(exc), ["inconsistent_state"], status=422) from None
    return respond(runtime().dump_state())


def clock_get():
    return respond(runtime().clock.describe())


def clock_advance():
    body = json_body()
    schema_checked("admin/clock_advance_request.schema.json", body)
    try:
        seconds = parse_duration(body["seconds"] if "seconds" in body else body["by"])
    except ValueError as exc:
        raise AdminError(str(exc), status=422) from None
    try:
        # refused before anything moves or runs
        ran = runtime().advance_clock(seconds)
    except ClockRangeError as exc:
        raise AdminError(str(exc), ["clock_range"], status=422) from None
    return respond({**runtime().clock.describe(), "advanced_seconds": seconds, "deliveries": ran})


def requests_list():
    keep, limit = filter_from_query(request.args)
    return respond({"requests": runtime().journal.select(keep, limit)})


def requests_count():
    body = json_body()
    schema_checked(ops.REQUESTS_COUNT.request_schema, body)
    return respond({"count": runtime().journal.count(filter_from_matcher(body))})


def requests_clear():
    runtime().journal.clear()
    return respond({"status": "cleared"})


def scenarios_list():
    return respond({"scenarios": available(runtime().config.scenario_dirs)})


def scenario_document():
    """``{"name": ...}`` names a scenario; any other body is a whole document (JSON or YAML)."""
    try:
        raw = raw_body(request, runtime().config.max_body_bytes)
    except BodyProblem as problem:
        raise AdminError(problem.message, [problem.kind], status=413) from None
    mimetype = (request.mimetype or "").lower()
    try:
        if "yaml" in mimetype:
            # the scenario loader's guarded YAML reading: alias bombs and duplicate keys refused
            # expanded, it may be no larger than a body may be
            doc = parse_text(raw.decode("utf-8"), "the posted scenario", runtime().config.max_body_bytes)
        else:
            doc = parse_json(raw)
    except BodyProblem as problem:
        raise AdminError(problem.message, [problem.kind]) from None
    except UnicodeDecodeError as exc:
        raise AdminError(f"the scenario is not UTF-8: {exc.reason}") from None
    except ScenarioError as exc:
        status = 413 if isinstance(exc, DocumentTooLarge) else 422
        raise AdminError(str(exc), exc.problems, status=status) from None
    if isinstance(doc, dict) and set(doc) == {"name"} and isinstance(doc["name"], str):
        return doc["name"]
    if not isinstance(doc, dict):
        raise AdminError("send {\"name\": ...} or a whole scenario document")
    return doc


def scenarios_load():
    source = scenario_document()
    try:
        scenario = runtime().load_scenario(source, names_only=True)
    except ScenarioError as exc:
        raise AdminError(str(exc), exc.problems, status=422) from None
    return respond({"loaded": scenario.get("name"), "description": scenario.get("description", "")})


def openapi_document():
    from ..openapi import document  # built on the first request for it, not at start-up

    return respond(document())


VIEWS = {
    ops.HEALTH: health,
    ops.RESET: reset,
    ops.STATE_GET: state_get,
    ops.STATE_PUT: state_put,
    ops.CLOCK_GET: clock_get,
    ops.CLOCK_ADVANCE: clock_advance,
    ops.REQUESTS_GET: requests_list,
    ops.REQUESTS_COUNT: requests_count,
    ops.REQUESTS_DELETE: requests_clear,
    ops.SCENARIOS_GET: scenarios_list,
    ops.SCENARIOS_POST: scenarios_load,
    ops.OPENAPI: openapi_document,
    **fault_routes.VIEWS,
    **delivery_routes.VIEWS,
    **tls_routes.VIEWS,
}
