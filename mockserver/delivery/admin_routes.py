"""Admin routes for Dellin notifications: trigger an order event, read the delivery log."""
from __future__ import annotations

from flask import Blueprint

from ..clock import iso
from ..errors import AdminError
from ..admin.operations import admin_operation
from ..web import register, respond, runtime
from .engine import EventRejected

EVENT_REQUEST = "admin/dellin_event_request.schema.json"


EVENTS = admin_operation(
    "dellin.events", "/dellin/events", ["POST"], "Trigger an order event: notify the matching subscriptions (first attempts)",
    request_schema=EVENT_REQUEST, response_schema="admin/dellin_event_response.schema.json",
)
DELIVERIES = admin_operation(
    "dellin.deliveries", "/dellin/deliveries", ["GET"], "The delivery log and the pending retries",
    response_schema="admin/dellin_deliveries.schema.json",
)

OPERATIONS = (EVENTS, DELIVERIES)


def trigger_event():
    from ..admin.routes import json_body, schema_checked

    body = json_body()
    schema_checked(EVENT_REQUEST, body)
    mock = runtime()
    time = iso(mock.clock.now())
    try:
        ran = mock.trigger_order_event(body["orderNumber"], body["eventType"], body.get("roles"))
    except EventRejected as exc:
        raise AdminError(str(exc), exc.details, status=422) from None
    event = {
        "orderNumber": body["orderNumber"],
        "eventType": body["eventType"],
        "roles": body.get("roles"),
        "time": ran[0]["time"] if ran else time,
    }
    return respond({"event": event, "deliveries": ran})


def deliveries():
    return respond(runtime().deliveries())


def blueprint() -> Blueprint:
    bp = Blueprint("admin_dellin_deliveries", __name__)
    register(bp, EVENTS, trigger_event)
    register(bp, DELIVERIES, deliveries)
    return bp
