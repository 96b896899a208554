"""The notification a subscriber receives: our format (the docs publish none),
described by ``schemas/dellin/notification.schema.json``."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import dellin_timestamp, iso, parse_instant

CONTENT_TYPE = "application/json; charset=utf-8"
USER_AGENT = "navixy-dellin-mockserver (Dellin webhook notifications)"
HEADER_NOTIFICATION_ID = "X-Notification-Id"
HEADER_ATTEMPT = "X-Delivery-Attempt"


@dataclass
class Notification:
    """One notification for one subscription; every attempt sends the same body."""

    seq: int  # creation order: ties between retries due at one instant break on it
    id: str
    subscription_id: int
    event_type: str
    order_number: str
    event_time: datetime
    roles: list[str]
    body: bytes = field(default=b"", repr=False)

    def __post_init__(self):
        if not self.body:
            self.body = json.dumps(self.payload(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def payload(self) -> dict:
        return {
            "id": self.id,
            "subscriptionId": self.subscription_id,
            "eventType": self.event_type,
            "orderNumber": self.order_number,
            "eventTime": dellin_timestamp(self.event_time),
            "roles": list(self.roles),
        }

    def identity(self) -> dict:
        """The fields that name this notification in the log and the pending list."""
        return {
            "notification_id": self.id,
            "subscription_id": self.subscription_id,
            "event_type": self.event_type,
            "order_number": self.order_number,
        }

    def headers(self, attempt: int) -> dict[str, str]:
        return {HEADER_NOTIFICATION_ID: self.id, HEADER_ATTEMPT: str(attempt)}

    def to_dict(self) -> dict:
        return {
            "seq": self.seq,
            "id": self.id,
            "subscription_id": self.subscription_id,
            "event_type": self.event_type,
            "order_number": self.order_number,
            "event_time": iso(self.event_time),
            "roles": list(self.roles),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Notification":
        return cls(
            seq=int(data["seq"]),
            id=str(data["id"]),
            subscription_id=int(data["subscription_id"]),
            event_type=str(data["event_type"]),
            order_number=str(data["order_number"]),
            event_time=parse_instant(data["event_time"]),
            roles=[str(r) for r in data["roles"]],
        )


def new_notification(seq: int, subscription_id: int, event_type: str, order_number: str,
                     event_time: datetime, roles: list[str]) -> Notification:
    return Notification(
        seq=seq,
        id=str(uuid.uuid4()),
        subscription_id=subscription_id,
        event_type=event_type,
        order_number=order_number,
        event_time=event_time,
        roles=roles,
    )
