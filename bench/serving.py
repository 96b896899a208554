"""Serving a benchmark app in the foreground until SIGINT or SIGTERM."""
from __future__ import annotations

import signal
import threading


def serve_until_signalled(start, stop, announce) -> int:
    """``start()`` the server, print ``announce()`` (the line the bench waits for, once the port is known),
    wait for SIGINT or SIGTERM, then ``stop()`` it."""
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    start()
    print(announce(), flush=True)
    while not stopping.wait(0.5):
        pass
    stop()
    return 0
