"""Shared constants and a small client for the Dellin tests."""
from __future__ import annotations

APPKEY = "00000000-0000-0000-0000-000000000000"  # the docs' appkey, in the default scenario
SESSION = "00000000-0000-0000-0000-000000000000"  # info@info.ru's seeded session
OTHER_SESSION = "11111111-1111-1111-1111-111111111111"  # other@info.ru's seeded session
LOGIN, PASSWORD = "info@info.ru", "Password1"
HOOK = "https://hooks.example/new"


def codes_of(response) -> list[int]:
    return [e["code"] for e in response.json["errors"]]


def first_error(response) -> dict:
    return response.json["errors"][0]


class DellinCalls:
    """POSTs with appkey and sessionID filled in; every response is schema-checked by the client."""

    def __init__(self, client, session: str = SESSION, appkey: str = APPKEY):
        self.client = client
        self.session = session
        self.appkey = appkey

    def post(self, path: str, **params):
        body = {"appkey": self.appkey, "sessionID": self.session, **params}
        return self.client.post(path, json=body)

    def as_user(self, session: str) -> "DellinCalls":
        return DellinCalls(self.client, session, self.appkey)

    def create(self, url: str = HOOK, order_roles=("sender",), **extra) -> int:
        response = self.post("/v1/webhooks/update", url=url, orderRoles=list(order_roles), **extra)
        assert response.status_code == 200, response.json
        return response.json["data"]["id"]

    def subscriptions(self) -> list[dict]:
        response = self.post("/v1/webhooks")
        assert response.status_code == 200, response.json
        return response.json["data"]

    def all_orders(self, sub_id: int, per_page: int = 100) -> list[str]:
        out, page = [], 1
        while page is not None:
            response = self.post(f"/v1/webhooks/{sub_id}/orders", page=page, perPage=per_page)
            assert response.status_code == 200, response.json
            out.extend(response.json["orders"])
            page = response.json["metadata"]["nextPage"]
        return out


def empty_world(**extra_dellin) -> dict:
    """A scenario with two Dellin users and no subscriptions."""
    dellin = {
        "appkeys": [APPKEY],
        "users": [
            {"login": LOGIN, "password": PASSWORD, "sessions": [SESSION]},
            {"login": "other@info.ru", "password": "Password2", "sessions": [OTHER_SESSION]},
        ],
    }
    dellin.update(extra_dellin)
    return {"name": "dellin-empty", "clock": {"start": "2024-06-01T09:00:00Z"}, "state": {"dellin": dellin}}
