"""A small Dellin world for the delivery tests, and checks shared by them."""
from __future__ import annotations

import socket

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.schemas import default_schemas

from ..contract import ContractClient

APPKEY = "00000000-0000-0000-0000-000000000000"
SESSION = "5e5510b0-0000-4000-8000-000000000001"
LOGIN = "hooks@example.test"
ORDER = "8216702228554"
OTHER_ORDER = "8216702228555"
EVENT = "order.state.pickup"
START = "2024-06-01T09:00:00Z"
NOTIFICATION_SCHEMA = "dellin/notification.schema.json"


def subscription(sub_id: int, url: str, **extra) -> dict:
    row = {"id": sub_id, "url": url, "orderRoles": ["sender"], "orders": [ORDER]}
    row.update(extra)
    return row


def world(*subscriptions: dict, orders=None, clock_mode: str = "virtual") -> dict:
    """A scenario: one Dellin user (sender and payer on ORDER, roles unknown on OTHER_ORDER)."""
    return {
        "name": "delivery-test",
        "clock": {"start": START, "mode": clock_mode},
        "state": {
            "dellin": {
                "appkeys": [APPKEY],
                "users": [
                    {
                        "login": LOGIN,
                        "password": "Password1",
                        "sessions": [SESSION],
                        "orders": orders if orders is not None else [
                            {"number": ORDER, "roles": ["sender", "payer"]},
                            {"number": OTHER_ORDER},
                        ],
                        "subscriptions": list(subscriptions),
                    }
                ],
            }
        },
    }


def make_app(*subscriptions: dict, orders=None, **config):
    """(app, runtime, schema-checking client) for a world with these subscriptions."""
    config.setdefault("allow_http_webhooks", True)
    app = create_app(scenario=world(*subscriptions, orders=orders), **config)
    app.test_client_class = ContractClient
    return app, runtime_of(app), app.test_client()


def trigger(client, order=ORDER, event=EVENT, roles=None) -> list[dict]:
    body = {"orderNumber": order, "eventType": event}
    if roles is not None:
        body["roles"] = roles
    response = client.post("/__mock/dellin/events", json=body)
    assert response.status_code == 200, response.json
    return response.json["deliveries"]


def advance(client, **body) -> list[dict]:
    response = client.post("/__mock/clock/advance", json=body)
    assert response.status_code == 200, response.json
    return response.json["deliveries"]


def log_of(client) -> dict:
    response = client.get("/__mock/dellin/deliveries")
    assert response.status_code == 200, response.json
    return response.json


def dellin(client, path: str, **params):
    return client.post(path, json={"appkey": APPKEY, "sessionID": SESSION, **params})


def subscription_state(client, sub_id: int) -> str:
    """What a client sees through the Dellin API."""
    response = dellin(client, f"/v1/webhooks/{sub_id}")
    assert response.status_code == 200, response.json
    data = response.json["data"]
    return (data[0] if isinstance(data, list) else data)["state"]


def check_notifications(receiver) -> list[dict]:
    """Every notification the receiver got matches the schema; returns their bodies."""
    schemas = default_schemas()
    bodies = []
    for request in receiver.received:
        assert request.method == "POST"
        assert request.headers["Content-Type"].startswith("application/json")
        schemas.check(NOTIFICATION_SCHEMA, request.json)
        assert request.headers["X-Notification-Id"] == request.json["id"]
        bodies.append(request.json)
    return bodies


def refused_url() -> str:
    """A loopback URL nothing listens on: a port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"
