"""Dellin state for the benchmarks, in the scenario ``state`` shape."""
from __future__ import annotations

APPKEY = "00000000-0000-0000-0000-000000000000"
SESSION = "00000000-0000-0000-0000-0000000000b1"
LOGIN = "bench@example.test"


def auth() -> dict:
    return {"appkey": APPKEY, "sessionID": SESSION}


def order_numbers(count: int, start: int = 0) -> list[str]:
    """Distinct 13-digit order numbers, as Dellin's look."""
    return [str(8_000_000_000_000 + start + i) for i in range(count)]


def subscription(sub_id: int, orders=(), url: str | None = None) -> dict:
    return {
        "id": sub_id,
        "url": url or f"https://hooks.example.test/dellin/{sub_id}",
        "orderRoles": ["sender", "receiver", "payer"],
        "state": "enabled",
        "orders": list(orders),
    }


def state(subscriptions: list[dict]) -> dict:
    """One Dellin user with an open session and these subscriptions (no Navixy users)."""
    return {
        "navixy": {"users": []},
        "dellin": {
            "appkeys": [APPKEY],
            "users": [{"login": LOGIN, "password": "Password1", "sessions": [SESSION],
                       "subscriptions": subscriptions}],
        },
    }
