"""The delivery part of the mock's state: pending retries, the log and the
notification counter. The Store builds a fresh one on reset."""
from __future__ import annotations

import itertools

from .log import DeliveryLog
from .schedule import PendingRetry, RetryQueue

DEFAULT_LOG_SIZE = 10_000


class DeliveryState:
    def __init__(self, log_size: int | None = DEFAULT_LOG_SIZE):
        self.queue = RetryQueue()
        self.log = DeliveryLog(log_size)
        self._seq = itertools.count(1)
        self.last_seq = 0

    def next_seq(self) -> int:
        self.last_seq = next(self._seq)
        return self.last_seq

    def dump_pending(self) -> list[dict]:
        """The pending retries, enough to carry on after a restart."""
        return [retry.to_dict() for retry in self.queue.pending()]

    def restore_pending(self, pending: list[dict]) -> None:
        """Add saved retries (all parsed before any is added)."""
        retries = [PendingRetry.from_dict(item) for item in pending]
        for retry in retries:
            self.queue.push(retry)
        highest = max((r.notification.seq for r in retries), default=0)
        if highest > self.last_seq:
            self._seq = itertools.count(highest + 1)
            self.last_seq = highest
