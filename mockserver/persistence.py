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

from flask import g, request

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


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Temporary files of writes a killed process never finished (only ever
    read by nobody: the state file is replaced whole, or not at all)."""
    removed = []
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            stale.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StateFileError(f"{stale}: cannot remove a stale temporary file: {exc.strerror or exc}") from None
        removed.append(stale)
    return removed


# ------------------------------------------------------------------ the hook
class StateWriteFailed(Exception):
    """The state could not be written; the change was rolled back."""


class StatePersister:
    """Writes the state after each request that changed it, before the answer.

    When a write fails (a full disk, a folder turned read-only) the change is
    rolled back to the state last written, and the request that made it is
    answered "service unavailable": nothing is acknowledged that is not on
    disk. Reads change nothing, need no write, and keep working; the next
    change tries the disk again. A request still in flight when a rollback
    happened may have lost its change to it, so it is answered the same way.
    """

    def __init__(self, mock, path: str | os.PathLike):
        self.mock = mock
        self.path = Path(path).resolve()
        self._lock = threading.Lock()
        self._last = None
        self._last_document = None
        self._last_clock = None
        self.rollbacks = 0  # also the epoch a request started in (see ``after_request``)
        self.writes = 0

    def start(self) -> None:
        """Restore the file if there is one, then make sure one exists."""
        if not self.path.parent.is_dir():
            raise StateFileError(f"{self.path}: the folder does not exist")
        removed = remove_stale_temporaries(self.path)
        if removed:
            log.info("removed %d stale temporary file(s) next to %s", len(removed), self.path)
        if self.path.exists():
            restore(self.mock, read_snapshot(self.path, self.mock.schemas), self.path)
            log.info("restored the state from %s", self.path)
        try:
            self.save()
        except StateWriteFailed as exc:
            raise StateFileError(f"{self.path}: cannot write the state file: {exc}") from None

    def save(self) -> bool:
        """Write the state if it changed since the last write; True if written.

        The snapshot is taken under this lock, so writes land in the order of
        the changes they contain and a later write never holds older state.
        Raises StateWriteFailed after rolling the change back.
        """
        with self._lock:
            with self.mock.store.lock:
                document = snapshot(self.mock)
                clock = self.mock.clock.saved()
            fingerprint = _fingerprint(document)
            if fingerprint == self._last:
                return False
            data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
            try:
                write_atomic(self.path, data)
            except OSError as exc:
                self._roll_back()
                raise StateWriteFailed(exc.strerror or str(exc)) from None
            self._last, self._last_document, self._last_clock = fingerprint, document, clock
            self.writes += 1
            return True

    def _roll_back(self) -> None:
        """Back to the state last written (none yet: the failure is at start-up, nothing to undo)."""
        if self._last_document is None:
            return
        mock, document = self.mock, self._last_document
        with mock.store.lock:
            log_kept = mock.store.deliveries.log  # what was sent was sent: the log is no saved state
            mock.replace_state(document["state"])
            mock.restore_pending(document.get("pending", []))
            mock.store.deliveries.log = log_kept
            mock.clock.restore(self._last_clock)
            self.rollbacks += 1

    def before_request(self):
        g.state_epoch = self.rollbacks
        return None

    def after_request(self, response):
        # before the answer is sent: whatever it acknowledged is on disk
        try:
            self.save()
        except StateWriteFailed as exc:
            log.error("cannot write the state file %s: %s; the change was rolled back", self.path, exc)
            return unavailable_response()
        if g.get("state_epoch", self.rollbacks) != self.rollbacks:
            return unavailable_response()  # its change may be one that was rolled back
        return response


def unavailable_response():
    """The called API's own "unavailable" answer, from its error profile
    (Navixy 14 "Database unavailable", HTTP 503; Dellin 100006, HTTP 500; admin 503)."""
    from .app import render_error
    from .apis import api_for_path
    from .errors import profile_for

    api = g.get("api") or api_for_path(request.path)
    return render_error(profile_for(api).unavailable("the change could not be stored, so it was not made"))


def install(app, mock) -> StatePersister | None:
    if not mock.config.state_file:
        return None
    persister = StatePersister(mock, mock.config.state_file)
    persister.start()
    app.before_request(persister.before_request)
    app.after_request(persister.after_request)
    app.extensions["mockserver.persistence"] = persister
    return persister
