"""The request journal: a bounded, thread-safe record of API calls."""
from __future__ import annotations

import json
import threading
from collections import deque

from .clock import iso, parse_instant

DEFAULT_JOURNAL_SIZE = 1000


class Journal:
    def __init__(self, max_entries: int = DEFAULT_JOURNAL_SIZE):
        self.max_entries = max_entries
        # each item is a dict (``record``) or a compact tuple (``record_call``)
        self._entries: deque = deque(maxlen=max_entries)
        # entries recorded so far, cleared ones too: an entry's id is its place in this count
        self._recorded = 0
        self._lock = threading.Lock()

    def record(self, entry: dict) -> dict:
        with self._lock:
            self._recorded += 1
            entry["id"] = self._recorded
            self._entries.append(entry)
        return entry

    def record_call(self, time, api, operation, method, path, query, request_json, content_type,
                    status, response_json, faults) -> None:
        """One API call, kept as a tuple: this runs on every request, while
        the journal is read rarely, so the public dict is built on reading.
        ``query`` may be None for none; a body may be JSON bytes, parsed on reading."""
        # fewer objects kept per entry means fewer cold ones freed when it
        # leaves: the id is implied by the entry's place
        entry = (time, api, operation, method, path, query,
                 request_json, content_type, status, response_json, faults)
        with self._lock:
            self._recorded += 1
            self._entries.append(entry)

    def entries(self) -> list[dict]:
        return self.select()

    def select(self, keep=None, limit: int | None = None) -> list[dict]:
        """The entries whose call ``keep(call)`` accepts (a ``JournalCall``),
        the most recent ``limit`` of them, oldest first. Filtering runs on the
        kept tuples: only the entries returned are turned into dicts."""
        with self._lock:
            items = list(self._entries)
            first_id = self._recorded - len(items) + 1
        chosen = []
        for index in range(len(items) - 1, -1, -1):
            if limit is not None and len(chosen) >= limit:
                break
            if keep is None or keep(JournalCall(items[index])):
                chosen.append(index)
        chosen.reverse()
        return [_public_item(first_id + index, items[index]) for index in chosen]

    def count(self, keep) -> int:
        with self._lock:
            items = list(self._entries)
        return sum(1 for item in items if keep(JournalCall(item)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class JournalCall:
    """What a journal filter can see of one entry, read lazily from either
    kind of item (a ``record_call`` tuple or a ``record`` dict)."""

    __slots__ = ("_item",)

    def __init__(self, item):
        self._item = item

    def _field(self, index: int, key: str):
        item = self._item
        return item.get(key) if isinstance(item, dict) else item[index]

    @property
    def time(self):
        value = self._field(0, "time")
        return parse_instant(value) if isinstance(value, str) else value

    @property
    def api(self):
        return self._field(1, "api")

    @property
    def operation(self):
        return self._field(2, "operation")

    @property
    def method(self):
        return self._field(3, "method")

    @property
    def path(self):
        return self._field(4, "path")

    @property
    def query(self) -> dict:
        return self._field(5, "query") or {}

    @property
    def status(self):
        item = self._item
        if isinstance(item, dict):
            return (item.get("response") or {}).get("status")
        return item[8]

    def body(self):
        item = self._item
        if isinstance(item, dict):
            return (item.get("request") or {}).get("json")
        return _parsed(item[6])


def _public_item(id_: int, item) -> dict:
    return item if isinstance(item, dict) else _public(id_, item)


def _public(id_: int, item: tuple) -> dict:
    (time, api, operation, method, path, query, request_json, content_type,
     status, response_json, faults) = item
    return {
        "time": iso(time),
        "api": api,
        "operation": operation,
        "method": method,
        "path": path,
        "query": query if query is not None else {},
        "request": {"json": _parsed(request_json), "content_type": content_type},
        "response": {"status": status, "json": _parsed(response_json)},
        "faults": list(faults),
        "id": id_,
    }


def _parsed(body):
    if not isinstance(body, (bytes, bytearray)):
        return body
    try:
        return json.loads(body)
    except ValueError:  # recorded only after it was parsed once; kept safe all the same
        return None
