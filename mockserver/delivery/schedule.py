"""The retry queue: a heap of notifications waiting for their next attempt.

Dropping a subscription's retries marks them cancelled (the heap skips them
when they surface), so a drop costs O(retries of that subscription).
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..clock import iso, parse_instant
from .notification import Notification

FROM_PREVIOUS = "previous_attempt"
FROM_FIRST = "first_attempt"
DELAYS_FROM = (FROM_PREVIOUS, FROM_FIRST)


@dataclass(eq=False)
class PendingRetry:
    notification: Notification
    attempt: int  # the number this attempt will carry (2 for the first retry)
    due: datetime
    first_attempt_at: datetime
    held_by: int | None = None  # the hold rule that put a first attempt here
    cancelled: bool = field(default=False, repr=False)

    @property
    def subscription_id(self) -> int:
        return self.notification.subscription_id

    def summary(self) -> dict:
        """What the admin API shows of a pending retry."""
        return {
            **self.notification.identity(),
            "attempt": self.attempt,
            "due": iso(self.due),
        }

    def to_dict(self) -> dict:
        out = {
            "notification": self.notification.to_dict(),
            "attempt": self.attempt,
            "due": iso(self.due),
            "first_attempt_at": iso(self.first_attempt_at),
        }
        if self.held_by is not None:
            out["held_by"] = self.held_by
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "PendingRetry":
        return cls(
            notification=Notification.from_dict(data["notification"]),
            attempt=int(data["attempt"]),
            due=parse_instant(data["due"]),
            first_attempt_at=parse_instant(data["first_attempt_at"]),
            held_by=data.get("held_by"),
        )


def next_retry_due(schedule, delays_from: str, attempt: int, attempted_at: datetime,
                   first_attempt_at: datetime) -> datetime | None:
    """When attempt ``attempt + 1`` falls due after attempt ``attempt`` failed; None: no more retries.

    ``schedule[k - 1]`` is the delay before attempt ``k + 1``, counted from the
    previous attempt or, with ``first_attempt``, from the first one. A retry is
    never due before the attempt that scheduled it.
    """
    if attempt < 1 or attempt > len(schedule):
        return None
    base = first_attempt_at if delays_from == FROM_FIRST else attempted_at
    due = base + timedelta(seconds=float(schedule[attempt - 1]))
    return max(due, attempted_at)


class RetryQueue:
    def __init__(self):
        self._heap: list[tuple] = []
        self._tiebreak = itertools.count()
        self._by_subscription: dict[int, dict[int, PendingRetry]] = {}
        self._live = 0

    def __len__(self) -> int:
        return self._live

    def push(self, retry: PendingRetry) -> None:
        heapq.heappush(self._heap, (retry.due, retry.notification.seq, next(self._tiebreak), retry))
        self._by_subscription.setdefault(retry.subscription_id, {})[retry.notification.seq] = retry
        self._live += 1

    def _forget(self, retry: PendingRetry) -> None:
        pending = self._by_subscription.get(retry.subscription_id)
        if pending is not None:
            pending.pop(retry.notification.seq, None)
            if not pending:
                del self._by_subscription[retry.subscription_id]
        self._live -= 1

    def _skip_cancelled(self) -> None:
        heap = self._heap
        while heap and heap[0][3].cancelled:
            heapq.heappop(heap)

    def next_due(self) -> datetime | None:
        self._skip_cancelled()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, until: datetime) -> list[PendingRetry]:
        """Every retry due at the earliest due time, if that is not after ``until``.

        The batch shares one instant, in notification order; empty if nothing is due.
        """
        first = self.next_due()
        if first is None or first > until:
            return []
        batch = []
        heap = self._heap
        while heap and heap[0][0] == first:
            retry = heapq.heappop(heap)[3]
            if not retry.cancelled:
                self._forget(retry)
                batch.append(retry)
        return batch

    def drop_subscription(self, subscription_id: int) -> list[PendingRetry]:
        """Cancel every pending retry of a subscription; returns them, in due order."""
        pending = self._by_subscription.pop(subscription_id, None)
        if not pending:
            return []
        dropped = sorted(pending.values(), key=lambda r: (r.due, r.notification.seq))
        for retry in dropped:
            retry.cancelled = True
        self._live -= len(dropped)
        return dropped

    def pending(self) -> list[PendingRetry]:
        live = [entry for entry in self._heap if not entry[3].cancelled]
        return [entry[3] for entry in sorted(live, key=lambda e: e[:3])]
