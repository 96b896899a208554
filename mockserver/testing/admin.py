"""``AdminClient``: the one client of the mock's admin API (``/__mock``).

The ``mock`` fixture, the scenario step runner and the plugin's check of an
external mock all drive the mock through it, so each admin call is made,
authenticated and explained in one place. It speaks HTTP with a
``requests.Session``; a session with an in-process adapter mounted for the
mock's URL (``InProcessAdapter``) makes the same calls without a socket.
"""
from __future__ import annotations

from datetime import timedelta

import requests

from ..apis import ADMIN_PREFIX, ADMIN_TOKEN_HEADER

DEFAULT_TIMEOUT_SECONDS = 30.0


class MockAdminError(Exception):
    """The mock refused an admin call, or did not answer it (``status`` 0);
    the message carries the mock's explanation and details."""

    def __init__(self, method: str, path: str, status: int, message: str, details=None):
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.details = list(details or [])
        text = f"{method} {path} answered {status}: {message}" if status else f"{method} {path}: {message}"
        if self.details:
            text += "\n" + "\n".join(f"  - {d}" for d in self.details)
        super().__init__(text)


class AdminClient:
    """The admin API of the mock at ``base_url``: the mock's root URL, not ``/__mock``.

    ``ca_bundle``: the CA (a PEM file) that an HTTPS mock's certificate is checked against."""

    def __init__(self, base_url: str, admin_token: str | None = None, *,
                 session: requests.Session | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 ca_bundle: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.admin_url = self.base_url + ADMIN_PREFIX
        self.session = session or requests.Session()
        self.timeout = timeout
        # given with each call: requests lets REQUESTS_CA_BUNDLE override a session's own setting
        self.verify = ca_bundle or None
        self.headers = {ADMIN_TOKEN_HEADER: admin_token} if admin_token else {}

    def call(self, method: str, path: str, *, json=None, data: bytes | None = None, content_type: str | None = None):
        """``method /__mock<path>``: the parsed JSON answer, or MockAdminError."""
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        where = ADMIN_PREFIX + path
        try:
            response = self.session.request(method, self.admin_url + path, json=json, data=data,
                                            headers=headers, timeout=self.timeout, verify=self.verify)
        except requests.RequestException as exc:
            raise MockAdminError(method, where, 0, f"the mock does not answer: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or body is None:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            error = error if isinstance(error, dict) else {}
            raise MockAdminError(method, where, response.status_code,
                                 error.get("message") or _clip(response.text), error.get("details"))
        return body

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------ the calls
    def health(self) -> dict:
        """``GET /__mock/health``; MockAdminError when the URL serves no mock."""
        body = self.call("GET", "/health")
        if not isinstance(body, dict) or body.get("status") != "ok":
            raise MockAdminError("GET", ADMIN_PREFIX + "/health", 200, f"not a mock's answer: {_clip(str(body))}")
        return body

    def is_mock(self) -> bool:
        """Whether ``base_url`` serves the mock's admin API (a real API does not).

        A proxy in front of a provider answers health itself, and says whether
        the mock's admin API is behind it (``target_admin``)."""
        try:
            health = self.health()
        except MockAdminError:
            return False
        return bool(health.get("target_admin", True))

    def reset(self, seed: int | None = None) -> None:
        self.call("POST", "/reset", json={"seed": seed} if seed is not None else None)

    def load_scenario(self, document: dict) -> dict:
        return self.call("POST", "/scenarios", json=document)

    def load_scenario_text(self, text: str, content_type: str) -> dict:
        """A scenario file's text, YAML or JSON, sent whole (the mock need not see the file)."""
        return self.call("POST", "/scenarios", data=text.encode("utf-8"), content_type=content_type)

    def load_bundled_scenario(self, name: str) -> dict:
        return self.call("POST", "/scenarios", json={"name": name})

    def advance_clock(self, amount) -> list[dict]:
        """By seconds (a number or a timedelta) or a duration such as ``"20m"``;
        the delivery-log entries of the retries that ran."""
        if isinstance(amount, timedelta):
            amount = amount.total_seconds()
        body = {"by": amount} if isinstance(amount, str) else {"seconds": amount}
        return self.call("POST", "/clock/advance", json=body).get("deliveries", [])

    def clock(self) -> dict:
        return self.call("GET", "/clock")

    def trigger_order_event(self, order_number: str, event_type: str, roles=None) -> dict:
        body = {"orderNumber": str(order_number), "eventType": event_type}
        if roles is not None:
            body["roles"] = list(roles)
        return self.call("POST", "/dellin/events", json=body)

    def trigger_event(self, event: dict) -> dict:
        """A Dellin event as the admin API takes it (``orderNumber``, ``eventType``, ``roles``)."""
        return self.call("POST", "/dellin/events", json=event)

    def add_faults(self, body) -> list[dict]:
        """One rule (a dict) or ``{"faults": [...]}``: the rules as stored."""
        return _listed(self.call("POST", "/faults", json=body), "faults")

    def faults(self) -> list[dict]:
        return _listed(self.call("GET", "/faults"), "faults")

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    def journal(self) -> list[dict]:
        return _listed(self.call("GET", "/requests"), "requests")

    def clear_journal(self) -> None:
        self.call("DELETE", "/requests")

    def deliveries(self) -> list[dict]:
        return _listed(self.call("GET", "/dellin/deliveries"), "deliveries")

    def state(self) -> dict:
        return self.call("GET", "/state")

    def set_state(self, state: dict) -> dict:
        return self.call("PUT", "/state", json=state)


def _listed(body, key: str) -> list:
    return body[key] if isinstance(body, dict) and key in body else body


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
