"""A tiny Dellin client: log in, subscribe a URL to order events, follow orders."""
import requests

BASE_URL = "https://api.dellin.ru"


class DellinError(Exception):
    def __init__(self, status, errors):
        super().__init__(f"Dellin answered {status}: {errors}")
        self.status = status
        self.codes = [e.get("code") for e in errors]


class DellinClient:
    def __init__(self, appkey, base_url=BASE_URL):
        self.appkey = appkey
        self.base_url = base_url
        self.session_id = None

    def _post(self, path, **fields):
        body = {"appkey": self.appkey, **({"sessionID": self.session_id} if self.session_id else {}), **fields}
        answer = requests.post(self.base_url + path, json=body, timeout=10)
        data = answer.json()
        if answer.status_code != 200:
            raise DellinError(answer.status_code, data.get("errors", []))
        return data

    def login(self, login, password):
        self.session_id = self._post("/v3/auth/login.json", login=login, password=password)["data"]["sessionID"]
        return self.session_id

    def subscribe(self, url, order_roles, event_types=None):
        fields = {"url": url, "orderRoles": list(order_roles)}
        if event_types is not None:
            fields["eventTypes"] = list(event_types)
        return self._post("/v1/webhooks/update", **fields)["data"]["id"]

    def follow_orders(self, subscription_id, order_numbers):
        return self._post(f"/v1/webhooks/{subscription_id}/orders/add", orderNumbers=list(order_numbers))

    def subscriptions(self):
        return self._post("/v1/webhooks")["data"]
