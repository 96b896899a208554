"""The request journal: a bounded, thread-safe record of API calls."""
from __future__ import annotations

import json
import threading
from collections import deque

from .clock import iso

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
        with self._lock:
            items = list(self._entries)
            first_id = self._recorded - len(items) + 1
        return [item if isinstance(item, dict) else _public(first_id + i, item) for i, item in enumerate(items)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


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
