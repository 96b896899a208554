"""One mock instance: config, clock, store, journal and the loaded scenario.

The Flask app holds exactly one of these in ``app.extensions["mockserver"]``;
nothing lives in module globals.
"""
from __future__ import annotations

import copy
import threading
from datetime import timedelta

from .clock import Clock, VIRTUAL
from .config import MockConfig
from .faults import FaultRules
from .journal import Journal
from .scenario import loader
from .schemas import SchemaSet, default_schemas
from .store import Store

STATE_SCHEMA = "state.schema.json"


class MockRuntime:
    def __init__(self, config: MockConfig | None = None, schemas: SchemaSet | None = None):
        self.config = config or MockConfig()
        self.schemas = schemas or default_schemas()
        self._lock = threading.RLock()
        self.scenario = loader.load(self.config.scenario, self.config.scenario_dirs)
        self.clock = self._clock_for(self.scenario)
        self.journal = Journal(self.config.journal_size)
        self.store = Store(self._seed(self.scenario), clock=self.clock, config=self.config)
        self.faults = FaultRules(self.scenario.get("faults") or ())

    # ------------------------------------------------------------ lifecycle
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

    def reset(self) -> None:
        """Back to the loaded scenario's initial state."""
        with self._lock, self.store.lock:
            self._reset_clock()
            self.store.reset()
            self.journal.clear()
            self.faults = FaultRules(self.scenario.get("faults") or ())

    def load_scenario(self, source) -> dict:
        """Validate first, then swap everything at once: a bad scenario changes nothing."""
        scenario = loader.load(source, self.config.scenario_dirs)
        with self._lock, self.store.lock:
            self.scenario = scenario
            settings = scenario.get("clock") or {}
            mode = self.config.clock_mode or settings.get("mode") or VIRTUAL
            self.clock.restart(settings.get("start"), mode)
            self._clock_start = self.clock.now()
            self.store.reseed(self._seed(scenario))
            self.journal.clear()
            self.faults = FaultRules(scenario.get("faults") or ())
        return scenario

    def close(self) -> None:
        """Stop background work (the real-mode scheduler)."""

    # ------------------------------------------------------------ state
    def dump_state(self) -> dict:
        return self.store.dump()

    def replace_state(self, state: dict) -> None:
        self.store.replace(copy.deepcopy(state))

    # ------------------------------------------------------------ time
    def advance_clock(self, seconds: float) -> list[dict]:
        """Move the clock forward; returns the deliveries that ran on the way."""
        with self._lock:
            self.clock.move_to(self.clock.now() + timedelta(seconds=seconds))
        return []
