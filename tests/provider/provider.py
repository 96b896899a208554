"""A loopback provider that differs from the mock on purpose, over HTTPS.

It is the mock (default scenario) with some answers rewritten, as a real
provider might differ from the documentation the mock follows:

- ``POST /v1/webhooks/<id>``: an extra field ``data.foo``, and ``data.id`` a string;
- ``POST /v1/webhooks``: ``metadata.generated_at`` is missing;
- Navixy ``delivery/create`` refused with 236: the code is 999 instead, which no table lists;
- Navixy ``delivery/read`` without a session (201): HTTP 404, where the table says 400.

Every other answer is the mock's own. It has no ``/__mock`` admin API, as a
real provider has none, and it records the requests it is sent.
"""
from __future__ import annotations

import io
import json
import ssl
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from mockserver.app import create_app

DIFFERENCES = {
    ("dellin.webhooks.get", "unexpected_field", "/data/foo"),
    ("dellin.webhooks.get", "type_changed", "/data/id"),
    ("dellin.webhooks.list", "missing_field", "/metadata/generated_at"),
    ("navixy.delivery.create", "unknown_code", "/status/code"),
    ("navixy.delivery.read", "status_mismatch", "/status/code"),
}


class DifferingProvider:
    def __init__(self, scenario: str = "default"):
        self.mock = create_app(scenario=scenario)
        self.requests: list[dict] = []
        self.tweak = None  # a test's further change to every answer: tweak(response)

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data(cache=True)
        environ["wsgi.input"] = io.BytesIO(body)  # the mock inside reads the body again
        self.requests.append({"method": request.method, "path": request.path, "query": request.query_string,
                              "headers": dict(request.headers), "body": body})
        if request.path.startswith("/__mock"):
            return Response('{"error": "no such thing"}', 404, mimetype="application/json")(environ, start_response)
        answer = Response.from_app(self.mock, environ)
        status, payload = answer.status_code, _json(answer.get_data())
        if isinstance(payload, dict):
            status, payload = _differ(request.path, status, payload)
            answer.set_data(json.dumps(payload).encode("utf-8"))
            answer.status_code = status
        answer.headers["X-Provider"] = "differing"
        if self.tweak is not None:
            self.tweak(answer)
        return answer(environ, start_response)


def _differ(path: str, status: int, body: dict):
    data = body.get("data")
    if path.startswith("/v1/webhooks/") and path.rstrip("/").split("/")[-1].isdigit() and isinstance(data, dict):
        data["foo"] = "bar"
        data["id"] = str(data["id"])
    elif path == "/v1/webhooks" and isinstance(body.get("metadata"), dict) and status == 200:
        body["metadata"].pop("generated_at", None)
    elif path.endswith("/delivery/create") and (body.get("status") or {}).get("code") == 236:
        body["status"]["code"] = 999
    elif path.endswith("/delivery/read") and (body.get("status") or {}).get("code") == 201:
        status = 404
    return status, body


def _json(data: bytes):
    try:
        return json.loads(data)
    except ValueError:
        return None


class HttpsServer:
    """A WSGI app over HTTPS on 127.0.0.1, with a certificate from ``ca`` (trustme)."""

    def __init__(self, app, ca):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
        self.url = f"https://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
