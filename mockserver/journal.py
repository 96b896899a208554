"""The request journal: a bounded, thread-safe record of API calls."""
from __future__ import annotations

import itertools
import threading
from collections import deque

DEFAULT_JOURNAL_SIZE = 1000


class Journal:
    def __init__(self, max_entries: int = DEFAULT_JOURNAL_SIZE):
        self.max_entries = max_entries
        self._entries: deque[dict] = deque(maxlen=max_entries)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict) -> dict:
        with self._lock:
            entry["id"] = next(self._ids)
            self._entries.append(entry)
        return entry

    def entries(self) -> list[dict]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
