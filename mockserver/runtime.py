"""One mock instance: config, clock, store, journal and the loaded scenario.

The Flask app holds exactly one of these in ``app.extensions["mockserver"]``;
nothing lives in module globals.
"""
from __future__ import annotations

import copy
import threading

from .clock import Clock, REAL, VIRTUAL
from .addresses import OwnAddresses
from .config import MockConfig
from .delivery.engine import DeliveryEngine
from .delivery.scheduler import RetryScheduler
from .dellin.model import DellinSeedError
from .faults.rules import FaultRules
from .journal import Journal
from .scenario import loader
from .schemas import SchemaSet, default_schemas
from .store import Store

class MockRuntime:
    def __init__(self, config: MockConfig | None = None, schemas: SchemaSet | None = None):
        # the operator's config; ``config`` is it with the loaded scenario's settings over it
        self.base_config = config or MockConfig()
        self.schemas = schemas or default_schemas()
        self._lock = threading.RLock()
        # where the app is served, once a server has bound: webhooks may not lead back here
        self.own_addresses = OwnAddresses()
        self.scenario = loader.load(self.base_config.scenario, self.base_config.scenario_dirs)
        self.config = self._config_for(self.scenario)
        self.clock = self._clock_for(self.scenario)
        self.journal = Journal(self.config.journal_size)
        self.store = Store(self._seed(self.scenario), clock=self.clock, config=self.config, own=self.own_addresses)
        self.faults = self._faults_for(self.scenario)
        # the engine asks for the faults at each attempt: a reset swaps them
        self.delivery = DeliveryEngine(
            self.store, self.clock, self.config, faults=lambda: self.faults, own=self.own_addresses
        )
        self.delivery.on_scheduled = self._wake_scheduler
        self._scheduler: RetryScheduler | None = None
        self._sync_scheduler()

    # ------------------------------------------------------------ lifecycle
    def _config_for(self, scenario: dict) -> MockConfig:
        """The operator's config with the scenario's ``settings`` over it (the
        loader has checked them): a scenario states the behaviour its steps expect."""
        return self.base_config.with_scenario_settings(scenario.get("settings"))

    def _faults_for(self, scenario: dict) -> FaultRules:
        """The scenario's rules, seeded by the config's seed, else the scenario's (else a drawn one)."""
        seed = self.base_config.seed if self.base_config.seed is not None else scenario.get("seed")
        return FaultRules(scenario.get("faults") or (), seed=seed)

    def listening_on(self, host: str, port: int) -> None:
        """Record an address a server serves this mock on (called once it has bound)."""
        self.own_addresses.add(host, port)

    def _clock_for(self, scenario: dict) -> Clock:
        settings = scenario.get("clock") or {}
        mode = self.config.clock_mode or settings.get("mode") or VIRTUAL
        clock = Clock(settings.get("start"), mode=mode)
        self._clock_start = clock.now()
        return clock

    @staticmethod
    def _seed(scenario: dict) -> dict:
        return copy.deepcopy(scenario.get("state") or {})

    def _reset_clock(self) -> None:
        # keep the same Clock object: the store and the models hold it
        self.clock.restart(self._clock_start, self.clock.mode)

    def reset(self, seed: int | None = None) -> None:
        """Back to the loaded scenario's initial state; ``seed`` reseeds the fault rules."""
        with self._lock, self.store.lock:
            self._reset_clock()
            self.store.reset()
            self.journal.clear()
            # the same seed again: the same calls meet the same faults
            self.faults = FaultRules(self.scenario.get("faults") or (), seed=self.faults.seed if seed is None else seed)
        self._sync_scheduler()

    def load_scenario(self, source, *, names_only: bool = False) -> dict:
        """Validate first, then swap everything at once: a bad scenario changes nothing.

        ``names_only``: a string is a scenario name, never a path (what a
        network client may ask for; the operator's own paths come through the
        config)."""
        read = loader.load_named if names_only else loader.load
        scenario = read(source, self.config.scenario_dirs)  # checks clock.start and settings too
        faults = self._faults_for(scenario)
        config = self._config_for(scenario)
        with self._lock, self.store.lock:
            self._reseed_with_clock(scenario, config)
            self.config = config
            self.delivery.use_config(config)
            self.scenario = scenario
            self._clock_start = self.clock.now()
            self.journal.clear()
            self.faults = faults
        self._sync_scheduler()
        return scenario

    def _reseed_with_clock(self, scenario: dict, config: MockConfig) -> None:
        """The scenario's clock, state and settings, or (on any failure) the clock as it was."""
        settings = scenario.get("clock") or {}
        mode = self.config.clock_mode or settings.get("mode") or VIRTUAL
        saved = self.clock.saved()
        try:
            # the new state is built on the new clock (session expiry counts from it)
            self.clock.restart(settings.get("start"), mode)
            self.store.reseed(self._seed(scenario), config)
        except BaseException as exc:
            self.clock.restore(saved)
            if isinstance(exc, DellinSeedError):
                raise loader.ScenarioError(scenario.get("name", "<document>"), [f"at state.dellin.{exc}"]) from None
            raise

    def close(self) -> None:
        """Stop background work (the real-mode scheduler)."""
        with self._lock:
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.stop(timeout=self.config.webhook_timeout_seconds + 5)
        self.delivery.close()

    def _sync_scheduler(self) -> None:
        """A real clock gets a scheduler thread that delivers retries as they fall due."""
        stale = None
        with self._lock:
            if self.clock.mode == REAL:
                if self._scheduler is None:
                    self._scheduler = RetryScheduler(self.delivery).start()
            else:
                stale, self._scheduler = self._scheduler, None
        if stale is not None:
            stale.stop(timeout=self.config.webhook_timeout_seconds + 5)
        self._wake_scheduler()

    @property
    def scheduler(self) -> RetryScheduler | None:
        """The real-mode retry scheduler while one runs."""
        return self._scheduler

    def _wake_scheduler(self) -> None:
        scheduler = self._scheduler
        if scheduler is not None:
            scheduler.wake()

    # ------------------------------------------------------------ state
    def dump_state(self) -> dict:
        return self.store.dump()

    def replace_state(self, state: dict) -> None:
        self.store.replace(copy.deepcopy(state))
        self._wake_scheduler()

    def dump_pending(self) -> list[dict]:
        """Pending webhook retries, for the state file."""
        return self.store.dump_pending()

    def restore_pending(self, pending: list[dict]) -> None:
        self.store.restore_pending(pending)
        self._wake_scheduler()

    # ------------------------------------------------------------ time
    def advance_clock(self, seconds: float) -> list[dict]:
        """Move the clock forward, running every webhook retry that falls due on
        the way at its own due time; returns the delivery-log entries that ran."""
        return self.delivery.advance(seconds)

    # ------------------------------------------------------------ Dellin events
    def trigger_order_event(self, order_number: str, event_type: str, roles: list[str] | None = None) -> list[dict]:
        """Notify the matching subscriptions; returns the first attempts' log entries.

        Raises ``mockserver.delivery.engine.EventRejected`` for an unknown event type or role.
        """
        return self.delivery.trigger(order_number, event_type, roles)

    def deliveries(self) -> dict:
        """The delivery log and the pending retries."""
        with self.store.lock:
            state = self.store.deliveries
            return {
                "deliveries": state.log.entries(),
                "total": state.log.total,
                "pending": [retry.summary() for retry in state.queue.pending()],
            }
