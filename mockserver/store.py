"""All mutable domain state of one mock, behind one lock.

Reset is "forget everything and build it again from the seed": cheap, and it
cannot forget a field.
"""
from __future__ import annotations

import threading

from .delivery.state import DeliveryState
from .dellin.model import DellinState
from .navixy.model import NavixyState


class Store:
    def __init__(self, seed: dict | None, *, clock, config, own=None):
        self.lock = threading.RLock()
        self._clock = clock
        self._config = config
        self._own = own  # the mock's own addresses, which no subscription may point at
        self._seed = seed or {}
        self._load(self._seed)

    def _build(self, seed: dict, config=None) -> tuple:
        """Fresh domain objects for ``seed`` (under ``config``, else the store's);
        raises before anything is assigned."""
        config = config or self._config
        return (
            NavixyState(seed.get("navixy")),
            DellinState(seed.get("dellin"), clock=self._clock, config=config, own=self._own),
            # pending retries and the delivery log belong to this state: a reset clears them
            DeliveryState(config.delivery_log_size),
        )

    def _load(self, seed: dict) -> None:
        self.navixy, self.dellin, self.deliveries = self._build(seed)
        self._as_seeded = self.dump()

    def reset(self) -> None:
        """Back to the seed. The Navixy and Dellin state is built again only if
        it changed: a dump equal to the seeded one is the same state (the
        models' dumps seed them back exactly), and a dump costs a fifth of a
        build. Deliveries (log, retries, numbering) always start afresh."""
        with self.lock:
            if self.dump() == self._as_seeded:
                self.deliveries = DeliveryState(self._config.delivery_log_size)
            else:
                self._load(self._seed)

    def replace(self, seed: dict) -> None:
        """Swap in a new state; it is fully built before anything changes."""
        fresh = self._build(seed)  # retries of the old subscriptions go too
        with self.lock:
            self.navixy, self.dellin, self.deliveries = fresh

    def reseed(self, seed: dict | None, config=None) -> None:
        """A new scenario: a new seed that later resets return to, and the
        scenario's settings (``config``; None keeps the store's)."""
        seed = seed or {}
        config = config or self._config
        with self.lock:
            fresh = self._build(seed, config)
            self._seed, self._config = seed, config
            self.navixy, self.dellin, self.deliveries = fresh
            self._as_seeded = self.dump()

    def dump(self) -> dict:
        with self.lock:
            return {"navixy": self.navixy.to_dict(), "dellin": self.dellin.to_dict()}

    def dump_pending(self) -> list[dict]:
        """Pending webhook retries, for the state file (GET /__mock/state leaves them out)."""
        with self.lock:
            return self.deliveries.dump_pending()

    def restore_pending(self, pending: list[dict]) -> None:
        with self.lock:
            self.deliveries.restore_pending(pending)
