"""The webhook receiver: a real HTTP(S) server that collects what it is sent.

The ``webhook_receiver`` fixture and the scenario runner's
``${receiver_url}`` are both this one.

It binds 127.0.0.1 on a free port in the caller's thread (a bind error is
raised right there) and serves from a daemon thread, one thread per request,
so a slow answer never holds up the next request. It records every request
that arrives, whatever it answers, and can be told how to answer:

    with WebhookReceiver() as hook:          # or WebhookReceiver(ssl_context=ctx) for https
        hook.fail_next(2)                    # the next 2 requests get HTTP 500
        hook.respond_with(302)               # then every request gets 302 (with a Location)
        hook.delay(1.5)                      # answer 1.5 s late (a slow receiver)
        hook.release()                       # answer the delayed requests now
        hook.wait_for(3, timeout=5)          # the first 3 requests, or AssertionError
        hook.received[0].json                # the parsed body

Importing this module does not import pytest.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from werkzeug.serving import WSGIRequestHandler, make_server

DEFAULT_STATUS = 200
DEFAULT_FAIL_STATUS = 500
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Received:
    """One request as it arrived, and the status the receiver answered with."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    json: object = field(default=None)  # the parsed body; None if it was not JSON

    def __repr__(self) -> str:
        shown = self.json if self.json is not None else self.body[:200]
        return f"<{self.method} {self.path} -> {self.status}: {shown!r}>"


class _QuietHandler(WSGIRequestHandler):
    # the werkzeug development server logs each request to stderr: not wanted in test output
    def log(self, type, message, *args):  # noqa: A002 (werkzeug's signature)
        pass


class WebhookReceiver:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, ssl_context=None, path: str = "/hook"):
        self._lock = threading.Condition()
        self._received: list[Received] = []
        self._fail_left = 0
        self._fail_status = DEFAULT_FAIL_STATUS
        self._status = DEFAULT_STATUS
        self._delay = 0.0
        self._gate = threading.Event()  # delayed answers wait on it; release() sets it and starts a new one
        self._server = make_server(
            host, port, self._wsgi, threaded=True, request_handler=_QuietHandler, ssl_context=ssl_context
        )
        self._server.daemon_threads = True
        self.host = host
        self.port = self._server.server_port
        scheme = "https" if ssl_context is not None else "http"
        self.base_url = f"{scheme}://{host}:{self.port}"
        self.url = self.base_url + path
        # a short poll interval: stop() waits for the serving loop to notice
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"webhook-receiver:{self.port}", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ behaviour
    def fail_next(self, n: int, status: int = DEFAULT_FAIL_STATUS) -> "WebhookReceiver":
        """Answer the next ``n`` requests with ``status`` (500 by default)."""
        with self._lock:
            self._fail_left = int(n)
            self._fail_status = int(status)
        return self

    def respond_with(self, status: int) -> "WebhookReceiver":
        """Answer every later request with ``status`` (after any ``fail_next``); 3xx come with a Location."""
        with self._lock:
            self._status = int(status)
        return self

    def delay(self, seconds: float) -> "WebhookReceiver":
        """Wait ``seconds`` before answering each later request (0: answer at once)."""
        with self._lock:
            self._delay = max(float(seconds), 0.0)
        return self

    def release(self) -> "WebhookReceiver":
        """Send every answer that is being delayed right now, at once (later ones are delayed again)."""
        with self._lock:
            gate, self._gate = self._gate, threading.Event()
        gate.set()
        return self

    def reset(self) -> "WebhookReceiver":
        """Forget what arrived and answer 200 at once again."""
        with self._lock:
            self._received.clear()
            self._fail_left = 0
            self._status = DEFAULT_STATUS
            self._delay = 0.0
        return self

    # ------------------------------------------------------------ what arrived
    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def clear(self) -> None:
        """Forget what arrived (the behaviour stays)."""
        with self._lock:
            self._received.clear()

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Received]:
        """The received list once it holds at least ``n`` requests; AssertionError after ``timeout`` seconds."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._received) >= n, timeout):
                got = list(self._received)
                listing = "\n".join(f"  {i}: {r!r}" for i, r in enumerate(got)) or "  (nothing)"
                raise AssertionError(f"expected {n} webhook request(s) at {self.url} within {timeout}s, got {len(got)}:\n{listing}")
            return list(self._received)

    # ------------------------------------------------------------ lifecycle
    def stop(self) -> None:
        self._delay = 0.0
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "WebhookReceiver":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------ the WSGI app
    def _decide(self) -> tuple[int, float, threading.Event]:
        with self._lock:
            if self._fail_left > 0:
                self._fail_left -= 1
                return self._fail_status, self._delay, self._gate
            return self._status, self._delay, self._gate

    def _wsgi(self, environ, start_response):
        body = _read_body(environ)
        status, delay, gate = self._decide()
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").title()] = environ[key]
        try:
            parsed = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            parsed = None
        record = Received(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", ""),
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
            status=status,
            json=parsed,
        )
        with self._lock:
            self._received.append(record)
            self._lock.notify_all()
        if delay:
            gate.wait(delay)
        answer = json.dumps({"received": True} if 200 <= status < 300 else {"status": status}).encode()
        response_headers = [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))]
        if 300 <= status < 400:
            response_headers.append(("Location", self.base_url + "/redirected"))
        start_response(f"{status} {_reason(status)}", response_headers)
        return [answer]


def _read_body(environ) -> bytes:
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit():
        return stream.read(min(int(length), MAX_BODY_BYTES))
    return stream.read(MAX_BODY_BYTES) if environ.get("wsgi.input_terminated") else b""


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"
