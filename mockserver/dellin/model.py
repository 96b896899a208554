"""Dellin users, sessions and webhook subscriptions. Knows nothing of HTTP."""
from __future__ import annotations

import copy


class DellinState:
    def __init__(self, seed: dict | None, *, clock, config):
        self._seed = copy.deepcopy(seed or {})
        self._clock = clock
        self._config = config

    def to_dict(self) -> dict:
        return copy.deepcopy(self._seed)
