"""Real-mode delivery: a background thread that runs retries as they fall due."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("mockserver.delivery")

# the longest the thread sleeps without looking again (a safety net: every
# newly scheduled retry wakes it at once)
MAX_IDLE_SECONDS = 30.0


class RetryScheduler:
    def __init__(self, engine):
        self._engine = engine
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="mockserver-retry-scheduler", daemon=True)

    def start(self) -> "RetryScheduler":
        self._thread.start()
        return self

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def wake(self) -> None:
        """Look at the queue again now (a retry was scheduled, the clock moved, the state changed)."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> bool:
        """Ask the thread to stop and wait for it; True once it has ended.

        An attempt already on the wire finishes first (at most the webhook timeout).
        """
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            # cleared before looking, so a wake-up during this pass is not lost
            self._wake.clear()
            try:
                self._engine.run_due()
                wait = self._engine.seconds_until_next_due()
            except Exception:  # the thread must survive a bad pass; the next one may succeed
                log.exception("the retry scheduler failed a pass")
                wait = 1.0
            if self._stop.is_set():
                break
            self._wake.wait(MAX_IDLE_SECONDS if wait is None else min(wait, MAX_IDLE_SECONDS))
