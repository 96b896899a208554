"""One line per served call, cheap enough to leave on.

The line is built from the WSGI environ (no request object, no logging
record), the timestamp is formatted once per second, and lines go to the
stream from a background thread in batches: a call pays for a format and a
deque append. Credentials in the query string are masked: the access log
never shows a session hash, a key or a password.
"""
from __future__ import annotations

import collections
import re
import sys
import threading
import time
from urllib.parse import quote, unquote

from .clock import wall_seconds

MASK = "***"
# query parameters whose values are credentials (compared case-insensitively)
SECRET_PARAMETERS = frozenset({"hash", "appkey", "sessionid", "session_id", "password", "login", "token", "admin_token"})
FLUSH_SECONDS = 0.1
NAME = "mockserver.access"


def masked_query(query: str) -> str:
    """``query`` with the value of every credential parameter replaced by ``***``."""
    if not query:
        return query
    parts = query.split("&")
    for index, part in enumerate(parts):
        name, equals, _ = part.partition("=")
        if equals and unquote(name).strip().lower() in SECRET_PARAMETERS:
            parts[index] = f"{name}={MASK}"
    return "&".join(parts)


_SAFE = "/:@!$&'()*+,;=-._~%?"
_PLAIN = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=\-._~%?]*\Z")


def _escape(text: str) -> str:
    """Printable on the request line: no raw spaces, quotes or line breaks in the log.

    WSGI gives the path and query as latin-1 text of the bytes that came."""
    if _PLAIN.match(text):  # the usual case, checked at C speed
        return text
    return quote(text.encode("latin-1", "replace"), safe=_SAFE)


class AccessLog:
    """Formats and queues lines; a daemon thread writes them to ``stream`` in batches."""

    def __init__(self, stream=None, flush_seconds: float = FLUSH_SECONDS):
        self._stream = stream
        self._lines: collections.deque[str] = collections.deque()
        self._flush_seconds = flush_seconds
        self._second = -1
        self._stamp = ""
        self._wake = threading.Event()
        self._closed = False
        self._writer = threading.Thread(target=self._run, name="mockserver-access-log", daemon=True)
        self._writer.start()

    def _timestamp(self, second: int) -> str:
        # two threads may both format a new second: harmless, the text is the same
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))
        self._stamp, self._second = stamp, second
        return stamp

    def record(self, environ: dict, status: int, elapsed_ms: float) -> None:
        query = environ.get("QUERY_STRING")
        target = _escape(environ.get("PATH_INFO") or "/")
        if query:
            target += "?" + _escape(masked_query(query))
        second = int(wall_seconds())
        stamp = self._stamp if second == self._second else self._timestamp(second)
        self._lines.append(
            f'{stamp} {NAME} {environ.get("REMOTE_ADDR") or "-"} '
            f'"{environ.get("REQUEST_METHOD")} {target}" {status} {elapsed_ms:.1f}ms\n'
        )

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self._flush_seconds)
            self.flush()

    def flush(self) -> None:
        lines = self._lines
        batch = []
        while lines:
            batch.append(lines.popleft())
        if batch:
            stream = self._stream or sys.stderr
            try:
                stream.write("".join(batch))
                stream.flush()
            except (OSError, ValueError):  # a closed or broken stream: the log is best effort
                pass

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self._writer.join(timeout=5)
        self.flush()
