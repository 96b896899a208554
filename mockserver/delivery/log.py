"""The delivery log: one entry per attempt (and per dropped retry), oldest first."""
from __future__ import annotations

from collections import deque

# outcomes
DELIVERED = "delivered"
FAILED = "failed"
DROPPED = "dropped"

# why a retry was dropped
SUBSCRIPTION_DISABLED = "subscription_disabled"
SUBSCRIPTION_DELETED = "subscription_deleted"


class DeliveryLog:
    """Bounded (``config.delivery_log_size``) so a long-running mock stays small;
    ``total`` counts every entry ever written."""

    def __init__(self, limit: int | None = None):
        self._entries: deque[dict] = deque(maxlen=limit or None)
        self.total = 0

    def __len__(self) -> int:
        return len(self._entries)

    def extend(self, entries) -> None:
        for entry in entries:
            self._entries.append(entry)
            self.total += 1

    def entries(self) -> list[dict]:
        # entries are never changed once written: a shallow copy is a snapshot
        return list(self._entries)
