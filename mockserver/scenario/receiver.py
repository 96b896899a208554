"""A loopback webhook receiver that answers 200 to every POST, for scenarios
that need a delivery to succeed (``${receiver_url}``). Failures are simulated
with webhook fault rules on its URL, so it never has to fail itself."""
from __future__ import annotations

import json
import threading

from ..server import ThreadedServer


class LocalReceiver:
    def __init__(self):
        self.received: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadedServer(self._wsgi, threads=2)
        self.url = self._server.url

    def _wsgi(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, 1024 * 1024)) if length else b""
        with self._lock:
            self.received.append({"path": environ.get("PATH_INFO", ""), "body": body.decode("utf-8", "replace")})
        payload = json.dumps({"received": True}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
