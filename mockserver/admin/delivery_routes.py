"""Dellin notifications from the admin side: trigger an order event, read the delivery log."""
from __future__ import annotations

from ..clock import iso
from ..delivery.engine import EventRejected
from ..errors import AdminError
from ..web import respond, runtime
from . import operations as ops
from .request_body import json_body, schema_checked


def trigger_event():
    body = json_body()
    schema_checked(ops.EVENT_REQUEST, body)
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


VIEWS = {
    ops.DELLIN_EVENTS: trigger_event,
    ops.DELLIN_DELIVERIES: deliveries,
}
