"""The one source of time for the whole mock.

``virtual`` time moves only when advanced; ``real`` time follows the wall
clock plus any offset added by advancing.
"""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache

VIRTUAL = "virtual"
REAL = "real"
MODES = (VIRTUAL, REAL)

_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION_SECONDS = 100 * 365 * 86400  # far past any retry schedule; keeps datetime arithmetic in range
# The supported range of the mock clock. Wide enough for any test, and far
# enough inside datetime's years 1-9999 that every instant derived from the
# clock (a session expiry, a retry time, a rate-limit window: now plus or
# minus at most MAX_DURATION_SECONDS) stays representable.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")


def parse_duration(value) -> float:
    """Seconds from a number or a string such as ``"20m"``, ``"1h30m"`` or ``"90"``."""
    if isinstance(value, bool):
        raise ValueError("a duration must be a number of seconds or a string like '20m'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        try:
            seconds = float(text)
        except ValueError:
            parts = _DURATION_PART.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text:
                raise ValueError(f"not a duration: {value!r} (use e.g. 90, '90s', '20m', '3h', '1h30m')") from None
            seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    else:
        raise ValueError("a duration must be a number of seconds or a string like '20m'")
    if seconds < 0 or seconds != seconds or seconds > MAX_DURATION_SECONDS:
        raise ValueError(f"a duration must be between 0 and {MAX_DURATION_SECONDS} seconds (100 years), got {value!r}")
    return seconds


def parse_instant(value) -> datetime:
    """An aware UTC datetime from ISO-8601 text or a datetime.

    Raises ValueError for bad text and for an instant whose UTC form falls
    outside datetime's years 1-9999 (``9999-12-31T23:00:00-05:00``)."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{value!r} is outside the years 1-9999 in UTC") from None


# RFC 3339's date-time, JSON Schema's "format": "date-time"
_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?(?P<offset>[Zz]|[+-]\d{2}:\d{2})"
)
_UTC_MIN = datetime.min.replace(tzinfo=timezone.utc)
_UTC_MAX = datetime.max.replace(tzinfo=timezone.utc)


def parse_date_time(text) -> datetime:
    """An aware UTC datetime from an RFC 3339 date-time, exactly the texts the
    schemas' ``date-time`` format accepts; an instant past either end of
    datetime's range stands at that end."""
    match = _DATE_TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 date-time such as 2024-06-01T09:00:00Z")
    offset = match["offset"].upper()
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    dt = datetime.fromisoformat(
        f"{match['date']}T{match['time']}.{fraction}{'+00:00' if offset == 'Z' else offset}"
    )
    try:
        return dt.astimezone(timezone.utc)
    except OverflowError:
        return _UTC_MIN if dt.year == 1 else _UTC_MAX


class ClockRangeError(ValueError):
    """An instant the mock clock cannot be set to."""


def clock_range_text() -> str:
    return f"between {iso(EARLIEST)} and {iso(LATEST)}"


def checked_clock_instant(value) -> datetime:
    """``value`` (ISO-8601 text or a datetime) as a UTC instant inside the clock's range."""
    try:
        instant = parse_instant(value)
    except ValueError as exc:
        raise ClockRangeError(f"not an instant the mock clock supports ({clock_range_text()}): {exc}") from None
    if not EARLIEST <= instant <= LATEST:
        raise ClockRangeError(f"the mock clock must stay {clock_range_text()}, got {iso(instant)}")
    return instant


def instant_after(instant: datetime, seconds: float) -> datetime:
    """``instant`` plus ``seconds``, refused if that leaves the clock's range."""
    try:
        later = instant + timedelta(seconds=seconds)
    except OverflowError:
        later = None
    if later is None or later > LATEST:
        raise ClockRangeError(
            f"advancing by {seconds:g} seconds from {iso(instant)} would pass {iso(LATEST)}, "
            f"the end of the mock clock's range"
        )
    return later


def wall_now() -> datetime:
    return datetime.fromtimestamp(time.time(), tz=timezone.utc)


def wall_seconds() -> float:
    """The real time, in seconds since the epoch (log lines' timestamps)."""
    return time.time()


class Clock:
    def __init__(self, start: datetime | None = None, mode: str = VIRTUAL):
        self._lock = threading.Lock()
        self.restart(start, mode)

    def restart(self, start: datetime | None = None, mode: str = VIRTUAL) -> None:
        """Start over at ``start`` (default: the wall clock, whole seconds)."""
        if mode not in MODES:
            raise ValueError(f"clock mode must be one of {MODES}, got {mode!r}")
        start_at = checked_clock_instant(start) if start is not None else wall_now().replace(microsecond=0)
        self.mode = mode
        self._virtual_now = start_at
        # real mode: wall time plus whatever was added by advancing
        self._offset = timedelta(0)
        if mode == REAL and start is not None:
            self._offset = self._virtual_now - wall_now()

    def now(self) -> datetime:
        if self.mode == VIRTUAL:
            return self._virtual_now
        return wall_now() + self._offset

    def advance(self, seconds: float) -> datetime:
        return self.move_to(self.target_after(seconds))

    def target_after(self, seconds: float) -> datetime:
        """Where advancing by ``seconds`` would land; ClockRangeError past the range."""
        if not seconds >= 0:
            raise ValueError("the clock only moves forward")
        return instant_after(self.now(), seconds)

    def move_to(self, instant: datetime) -> datetime:
        """Move forward to ``instant``; never backwards, never past LATEST."""
        # (a real clock started near LATEST may drift past it with the wall clock: that is no move)
        if instant > LATEST and instant > self.now():
            raise ClockRangeError(f"the mock clock cannot pass {iso(LATEST)}, got {iso(instant)}")
        with self._lock:
            if self.mode == VIRTUAL:
                if instant > self._virtual_now:
                    self._virtual_now = instant
                return self._virtual_now
            gap = instant - self.now()
            if gap > timedelta(0):
                self._offset += gap
            return self.now()

    def saved(self) -> tuple:
        """Everything ``restore`` needs to put this clock back as it is now."""
        with self._lock:
            return self.mode, self._virtual_now, self._offset

    def restore(self, saved: tuple) -> None:
        with self._lock:
            self.mode, self._virtual_now, self._offset = saved

    def describe(self) -> dict:
        return {"now": iso(self.now()), "mode": self.mode}


def iso(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


# every Dellin answer has one, and a virtual clock gives the same instant until it moves
@lru_cache(maxsize=64)
def dellin_timestamp(instant: datetime) -> str:
    """Dellin's ``generated_at`` format: ``YYYY-MM-DD HH:MM:SS``."""
    if 1000 <= instant.year:  # the same text as strftime, at a fraction of its cost (every Dellin answer has one)
        return (f"{instant.year}-{instant.month:02d}-{instant.day:02d} "
                f"{instant.hour:02d}:{instant.minute:02d}:{instant.second:02d}")
    return instant.strftime("%Y-%m-%d %H:%M:%S")
