"""Delivering order-event notifications: first attempts, retries and the
subscription state machine.

Locking: every decision and every outcome is made under ``store.lock``, but
no lock is held while waiting on the network, so a slow receiver never blocks
the API. Attempts that fall due at one instant are sent concurrently, one
worker per subscription (so a subscription's own attempts stay in order), and
logged in notification order. A clock advance waits for first attempts
still on the wire, and a trigger for an advance (``_Gate``), so every retry
is queued before the advance that must run it, and runs at its due time.

An attempt's outcome is applied only to the state it was planned against:
after a reset, a scenario load or a state replacement the old outcomes are
returned to the caller but change nothing.
"""
from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..clock import iso
from ..dellin import rules
from .log import DELIVERED, DROPPED, FAILED, SUBSCRIPTION_DELETED, SUBSCRIPTION_DISABLED
from .notification import Notification, new_notification
from .schedule import PendingRetry, next_retry_due
# .sender (and with it ``requests``, a tenth of a second to import) is loaded
# on the first attempt: most mocks start, answer tests and never send one


class _Gate:
    """Triggers run side by side; a retry run (an advance, or a scheduler
    pass) runs alone. An advance so waits for first attempts still on the
    wire (whose retries it must see to run them on time), and a trigger waits
    for an advance, whose clock it would otherwise read mid-way. A waiting
    run goes before new triggers, so a stream of events cannot starve it."""

    def __init__(self):
        self._changed = threading.Condition()
        self._triggers = 0
        self._running = False
        self._runs_waiting = 0

    @contextmanager
    def trigger(self):
        with self._changed:
            self._changed.wait_for(lambda: not self._running and not self._runs_waiting)
            self._triggers += 1
        try:
            yield
        finally:
            with self._changed:
                self._triggers -= 1
                self._changed.notify_all()

    @contextmanager
    def run(self):
        with self._changed:
            self._runs_waiting += 1
            try:
                self._changed.wait_for(lambda: not self._running and not self._triggers)
            finally:
                self._runs_waiting -= 1
            self._running = True
        try:
            yield
        finally:
            with self._changed:
                self._running = False
                self._changed.notify_all()


class EventRejected(ValueError):
    """An order event that cannot be triggered (unknown type or role)."""

    def __init__(self, message: str, details: list | None = None):
        super().__init__(message)
        self.details = details or []


@dataclass
class _Job:
    """One attempt, decided under the lock and sent outside it."""

    notification: Notification
    attempt: int
    url: str
    attempted_at: datetime
    first_attempt_at: datetime
    held_by: int | None = None  # the hold rule that held this first attempt back


@dataclass(frozen=True, eq=False)
class _World:
    """The state an attempt was planned against."""

    dellin: object
    deliveries: object

    def same_as(self, other: "_World") -> bool:
        return self.dellin is other.dellin and self.deliveries is other.deliveries


class DeliveryEngine:
    def __init__(self, store, clock, config, faults, sender=None, own=None):
        self._own = own  # the mock's own addresses: never sent to (a seed may predate the bind)
        self._store = store
        self._clock = clock
        self._config = config  # use_config swaps it; read under store.lock when deciding
        self._faults = faults  # callable: the runtime's current FaultRules
        self._sender_instance = sender  # None: made on the first real attempt
        self._sender_lock = threading.Lock()
        self._gate = _Gate()  # one retry run at a time, and never while a first attempt is on the wire
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._closed = False
        self.on_scheduled = None  # called (no lock held) after retries were scheduled

    # ------------------------------------------------------------ public
    def trigger(self, order_number: str, event_type: str, roles: list[str] | None = None) -> list[dict]:
        """Notify every matching subscription; returns the first attempts' log entries."""
        with self._gate.trigger():
            with self._store.lock:
                world = self._world()
                self._check_event(world.dellin, event_type, roles)
                now = self._clock.now()
                jobs = []
                for sub, matched in self._matches(world.dellin, order_number, event_type, roles):
                    notification = new_notification(
                        world.deliveries.next_seq(), sub.id, event_type, order_number, now, matched
                    )
                    held = self._faults().webhook_hold(sub.url)
                    if held is None:
                        jobs.append(_Job(notification, 1, sub.url, now, now))
                    else:  # sent when the clock reaches it, so later notifications overtake it
                        seconds, rule_id = held
                        due = now + timedelta(seconds=seconds)
                        world.deliveries.queue.push(PendingRetry(notification, 1, due, due, held_by=rule_id))
            sent = self._map(self._send, jobs)
            entries = []
            with self._store.lock:
                intact = self._intact(world)
                for job, (outcome, duplicate) in zip(jobs, sent):
                    entries.extend(
                        self._apply(world, job, outcome) if intact else [self._entry(job, outcome, None, None)]
                    )
                    if duplicate is not None:
                        entries.append(self._duplicate_entry(world, job, *duplicate))
                if intact:
                    world.deliveries.log.extend(entries)
        self._scheduled()
        return entries

    def advance(self, seconds: float) -> list[dict]:
        """Move the clock forward by ``seconds``, running every retry that falls
        due on the way at its own due time; returns what ran, in time order.

        Raises ``ClockRangeError`` (nothing run) if the target leaves the clock's range."""
        with self._gate.run():
            with self._store.lock:
                start = self._world()
                target = self._clock.target_after(seconds)
            ran = self._run_until(target, start)
            with self._store.lock:
                # a reset or a new scenario meanwhile set its own clock: leave it
                if self._intact(start):
                    self._clock.move_to(target)
        self._scheduled()
        return ran

    def run_due(self) -> list[dict]:
        """Run every retry already due (the real-mode scheduler's step)."""
        with self._gate.run():
            with self._store.lock:
                start = self._world()
            return self._run_until(self._clock.now(), start)

    def use_config(self, config) -> None:
        """Settings (a scenario's, over the mock's) for every decision from now on.

        The caller holds ``store.lock`` and swaps the state with it: an attempt
        still on the wire belongs to the old state, whose outcomes change nothing."""
        self._config = config

    def seconds_until_next_due(self) -> float | None:
        with self._store.lock:
            due = self._store.deliveries.queue.next_due()
            if due is None:
                return None
            return max(0.0, (due - self._clock.now()).total_seconds())

    def close(self) -> None:
        self._closed = True
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        with self._sender_lock:
            sender = self._sender_instance
        if sender is not None:
            sender.close()

    @property
    def _sender(self):
        with self._sender_lock:
            if self._sender_instance is None:
                from .sender import WebhookSender

                pool_size = self._config.webhook_concurrency * 2
                self._sender_instance = WebhookSender(self._config, pool_size=pool_size)
            return self._sender_instance

    # ------------------------------------------------------------ matching
    @staticmethod
    def _check_event(dellin, event_type: str, roles) -> None:
        directory = dellin.event_types()
        if event_type not in directory:
            raise EventRejected(
                f"eventType {event_type!r} is not in the event-type directory",
                [{"field": "eventType", "bad_values": [event_type], "valid_values": list(directory)}],
            )
        if roles is not None:
            bad = [r for r in roles if r not in rules.ROLES]
            if bad:
                raise EventRejected(
                    f"roles has unknown roles: {', '.join(map(str, bad))}",
                    [{"field": "roles", "bad_values": bad, "valid_values": list(rules.ROLES)}],
                )

    @staticmethod
    def _matches(dellin, order_number: str, event_type: str, roles) -> list:
        """The model's matching (``subscriptions_for_event``); an event's ``roles`` narrow the matched roles further
        (the event concerns those parties, the subscriber hears only of its own)."""
        found = dellin.subscriptions_for_event(order_number, event_type)
        if roles is None:
            return found
        wanted = set(roles)
        narrowed = []
        for sub, matched in found:
            shared = [r for r in matched if r in wanted]
            if shared:
                narrowed.append((sub, shared))
        return narrowed

    # ------------------------------------------------------------ retries
    def _run_until(self, until: datetime, world: _World) -> list[dict]:
        """Run the retries due up to ``until``, one instant at a time, in ``world``."""
        ran: list[dict] = []
        while not self._closed:
            with self._store.lock:
                if not self._intact(world):
                    return ran  # reset or replaced meanwhile: that run is over
                batch = world.deliveries.queue.pop_due(until)
                if not batch:
                    return ran
                self._clock.move_to(batch[0].due)
            chains: dict[int, list[PendingRetry]] = {}
            for retry in batch:
                chains.setdefault(retry.subscription_id, []).append(retry)
            results: dict[int, list[dict]] = {}
            for chain_result in self._map(lambda chain: self._run_chain(world, chain), list(chains.values())):
                results.update(chain_result)
            entries = [entry for retry in batch for entry in results.get(id(retry), ())]
            with self._store.lock:
                if self._intact(world):
                    world.deliveries.log.extend(entries)
            ran.extend(entries)
        return ran

    def _run_chain(self, world: _World, retries: list[PendingRetry]) -> dict[int, list[dict]]:
        """One subscription's retries due at one instant, in order."""
        out: dict[int, list[dict]] = {}
        for retry in retries:
            with self._store.lock:
                if not self._intact(world):
                    break
                job, dropped = self._decide(world, retry)
            if dropped is not None:
                out[id(retry)] = [dropped]
                continue
            outcome, duplicate = self._send(job)
            with self._store.lock:
                if not self._intact(world):
                    out[id(retry)] = [self._entry(job, outcome, None, None)]
                    break
                out[id(retry)] = self._apply(world, job, outcome)
                if duplicate is not None:
                    out[id(retry)].append(self._duplicate_entry(world, job, *duplicate))
        return out

    def _decide(self, world: _World, retry: PendingRetry):
        """The attempt to make for a due retry, or the log entry of dropping it."""
        now = self._clock.now()
        sub = world.dellin.subscriptions.get(retry.subscription_id)
        if sub is None:
            return None, self._dropped(retry, SUBSCRIPTION_DELETED, now, None)
        if sub.state == rules.DISABLED:
            return None, self._dropped(retry, SUBSCRIPTION_DISABLED, now, sub.state)
        # the subscription's current URL: a client that fixed its URL gets the retries there
        return _Job(retry.notification, retry.attempt, sub.url, now, retry.first_attempt_at, retry.held_by), None

    # ------------------------------------------------------------ one attempt
    def _send(self, job: _Job):
        """(the attempt's outcome, (a duplicate's outcome, its rule id) or None).

        A duplicate rule sends a delivered notification once more, at once,
        as an at-least-once sender may."""
        outcome = self._attempt(job)
        if not outcome.ok:
            return outcome, None
        rule_id = self._faults().webhook_duplicate(job.url)
        if rule_id is None:
            return outcome, None
        return outcome, (self._attempt(job), rule_id)

    def _duplicate_entry(self, world: _World, job: _Job, outcome: Outcome, rule_id: int) -> dict:
        """The log entry of a duplicate: it changes no state, whatever its outcome."""
        sub = world.dellin.subscriptions.get(job.notification.subscription_id)
        entry = self._entry(job, outcome, None, sub.state if sub is not None else None)
        return {**entry, "fault": rule_id, "duplicate": True}

    def _attempt(self, job: _Job) -> Outcome:
        from .sender import INVALID_URL, Outcome

        rule = self._faults().webhook_failure(job.url)
        if rule is not None:
            return Outcome.from_fault(rule)  # no network call at all
        if self._own is not None and self._own.reaches_self_url(job.url):
            return Outcome(False, None, INVALID_URL, "the url points at the mock itself; not sent")
        return self._sender.send(job.url, job.notification.body, job.notification.headers(job.attempt),
                                 timeout=self._config.webhook_timeout_seconds)

    def _apply(self, world: _World, job: _Job, outcome: Outcome) -> list[dict]:
        """The state machine; returns the attempt's log entry (and any retries it dropped).

        The outcome counts as if it had landed before any change the client
        made while the attempt was in flight: a client's ``disabled`` stands,
        but the failure count and the retry are the same as if the attempt had
        failed just before the client disabled the subscription."""
        sub = world.dellin.subscriptions.get(job.notification.subscription_id)
        if sub is None:
            # deleted while the attempt was in flight: as if it had failed just
            # before, a failure's retry falls due and is dropped as deleted
            next_due = None if outcome.ok else self._push_retry(world, job)
            return [self._entry(job, outcome, next_due, None)]
        if outcome.ok:
            sub.failures = 0
            if sub.state != rules.DISABLED:
                sub.state = rules.ENABLED
            return [self._entry(job, outcome, None, sub.state)]
        return self._apply_failure(world, job, outcome, sub)

    def _apply_failure(self, world: _World, job: _Job, outcome: Outcome, sub) -> list[dict]:
        sub.failures += 1
        if sub.state != rules.DISABLED:
            sub.state = rules.ERROR
        if sub.failures >= self._config.max_consecutive_failures:  # MockConfig checked it is 1 or more
            sub.state = rules.DISABLED
            dropped = [
                self._dropped(retry, SUBSCRIPTION_DISABLED, job.attempted_at, sub.state)
                for retry in world.deliveries.queue.drop_subscription(sub.id)
            ]
            return [self._entry(job, outcome, None, sub.state), *dropped]
        return [self._entry(job, outcome, self._push_retry(world, job), sub.state)]

    def _push_retry(self, world: _World, job: _Job):
        """Queue the retry after a failed attempt; its due time, or None when the schedule is spent."""
        config = self._config
        next_due = next_retry_due(
            config.retry_schedule_seconds, config.retry_delays_from, job.attempt, job.attempted_at, job.first_attempt_at
        )
        if next_due is not None:
            world.deliveries.queue.push(PendingRetry(job.notification, job.attempt + 1, next_due, job.first_attempt_at))
        return next_due

    # ------------------------------------------------------------ log entries
    @staticmethod
    def _entry(job: _Job, outcome: Outcome, next_due, state) -> dict:
        return {
            **job.notification.identity(),
            "url": job.url,
            "attempt": job.attempt,
            "time": iso(job.attempted_at),
            "outcome": DELIVERED if outcome.ok else FAILED,
            "status": outcome.status,
            "error": outcome.error,
            "detail": outcome.detail,
            "fault": outcome.fault if outcome.fault is not None else job.held_by,
            "next_retry_at": iso(next_due) if next_due is not None else None,
            "subscription_state": state,
        }

    @staticmethod
    def _dropped(retry: PendingRetry, reason: str, now: datetime, state) -> dict:
        return {
            **retry.notification.identity(),
            "url": None,
            "attempt": retry.attempt,
            "time": iso(now),
            "outcome": DROPPED,
            "status": None,
            "error": reason,
            "detail": "the retry was dropped: " + reason.replace("_", " "),
            "fault": None,
            "next_retry_at": None,
            "subscription_state": state,
        }

    # ------------------------------------------------------------ plumbing
    def _world(self) -> _World:
        return _World(self._store.dellin, self._store.deliveries)

    def _intact(self, world: _World) -> bool:
        return world.same_as(self._world())

    def _scheduled(self) -> None:
        listener = self.on_scheduled
        if listener is not None:
            listener()

    def _map(self, func, items: list) -> list:
        """``func`` over ``items``, concurrently when there is more than one; results in order."""
        if len(items) <= 1 or self._config.webhook_concurrency <= 1:
            return [func(item) for item in items]
        pool = self._executor()
        if pool is None:
            return [func(item) for item in items]
        return list(pool.map(func, items))

    def _executor(self) -> ThreadPoolExecutor | None:
        with self._pool_lock:
            if self._closed:
                return None
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._config.webhook_concurrency, thread_name_prefix="mockserver-delivery"
                )
                # idle workers go away with the engine even if nobody calls close()
                weakref.finalize(self, self._pool.shutdown, wait=False)
            return self._pool
