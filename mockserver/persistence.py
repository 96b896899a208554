"""Durable state: with ``config.state_file`` set, the mock writes its state to
that file after every request that changed it, before the answer leaves, and
restores it on start, so a restarted mock carries on where it stopped.

A write is atomic and durable: a temporary file in the same folder, flushed
and fsynced, renamed over the old file with ``os.replace``, then the folder
fsynced so the rename itself survives a crash. A reader therefore sees the
previous complete state or the new one, never a torn file.

Without a state file nothing is installed, so this costs nothing.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from .clock import VIRTUAL, ClockRangeError, checked_clock_instant, iso

FORMAT = "mockserver-state/1"
STATE_SCHEMA = "state.schema.json"
log = logging.getLogger("mockserver.persistence")


class StateFileError(Exception):
    """The state file cannot be read back; the mock refuses to start on it."""


# ------------------------------------------------------------------ files
def write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------ snapshot
def snapshot(mock) -> dict:
    """What a restarted mock needs: the state, the pending deliveries and,
    for a virtual clock, the time."""
    with mock.store.lock:
        document = {"format": FORMAT, "state": mock.dump_state(), "pending": mock.dump_pending()}
        document["clock"] = {"mode": mock.clock.mode, "now": iso(mock.clock.now())}
    return document


def _fingerprint(document: dict) -> str:
    # a real clock moves by itself: only a virtual clock's time is a change
    significant = {key: value for key, value in document.items() if key != "clock"}
    if document["clock"]["mode"] == VIRTUAL:
        significant["now"] = document["clock"]["now"]
    return json.dumps(significant, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def read_snapshot(path: Path, schemas) -> dict:
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StateFileError(f"{path}: cannot read the saved state: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateFileError(f"{path}: not a mockserver state file (format {FORMAT})")
    problems = schemas.problems(STATE_SCHEMA, document.get("state"))
    if problems:
        where = "; ".join(f"{p.path or '<root>'}: {p.message}" for p in problems[:5])
        raise StateFileError(f"{path}: the saved state does not match {STATE_SCHEMA}: {where}")
    return document


def restore(mock, document: dict, path: Path) -> None:
    saved_now = _saved_virtual_now(mock, document, path)  # checked before anything changes
    try:
        mock.replace_state(document["state"])
    except ValueError as exc:
        raise StateFileError(f"{path}: the saved state does not hold together: {exc}") from None
    if saved_now is not None:
        mock.clock.move_to(saved_now)
    if "pending" in document:
        mock.restore_pending(document["pending"])


def _saved_virtual_now(mock, document: dict, path: Path):
    """The saved virtual time to carry on from, if both clocks are virtual."""
    clock = document.get("clock") or {}
    if not (mock.clock.mode == VIRTUAL and isinstance(clock, dict) and clock.get("mode") == VIRTUAL
            and clock.get("now")):
        return None
    try:
        return checked_clock_instant(clock["now"])
    except ClockRangeError as exc:
        raise StateFileError(f"{path}: clock.now: {exc}") from None


# ------------------------------------------------------------------ the hook
class StatePersister:
    def __init__(self, mock, path: str | os.PathLike):
        self.mock = mock
        self.path = Path(path).resolve()
        self._lock = threading.Lock()
        self._last = None
        self.writes = 0

    def start(self) -> None:
        """Restore the file if there is one, then make sure one exists."""
        if not self.path.parent.is_dir():
            raise StateFileError(f"{self.path}: the folder does not exist")
        if self.path.exists():
            restore(self.mock, read_snapshot(self.path, self.mock.schemas), self.path)
            log.info("restored the state from %s", self.path)
        self.save()

    def save(self) -> bool:
        """Write the state if it changed since the last write; True if written.

        The snapshot is taken under this lock, so writes land in the order of
        the changes they contain and a later write never holds older state.
        """
        with self._lock:
            document = snapshot(self.mock)
            fingerprint = _fingerprint(document)
            if fingerprint == self._last:
                return False
            data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
            write_atomic(self.path, data)
            self._last = fingerprint
            self.writes += 1
            return True

    def after_request(self, response):
        # before the answer is sent: whatever it acknowledged is on disk
        self.save()
        return response


def install(app, mock) -> StatePersister | None:
    if not mock.config.state_file:
        return None
    persister = StatePersister(mock, mock.config.state_file)
    persister.start()
    app.after_request(persister.after_request)
    app.extensions["mockserver.persistence"] = persister
    return persister
