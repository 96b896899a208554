"""A path that begins ``//`` names no endpoint: the API's "not found" in its
envelope (Navixy 111 with the docs' default 400, Dellin 100002 and admin 404),
as ``/v1//webhooks`` is, whichever server runs the app (waitress strips the
extra slashes from PATH_INFO and keeps them only in the request line)."""
from __future__ import annotations

import json
import socket

import pytest

from mockserver.server import ThreadedServer

APPKEY = SESSION = "00000000-0000-0000-0000-000000000000"
MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
DELLIN_BODY = json.dumps({"appkey": APPKEY, "sessionID": SESSION}).encode()

CASES = [
    ("POST", "//v1/webhooks", "dellin"),
    ("POST", "///v1/webhooks", "dellin"),
    ("POST", "/v1//webhooks", "dellin"),
    ("GET", f"//v2/user/session/delivery/read?hash={MASTER}", "navixy"),
    ("POST", "//v3/auth/login.json", "dellin"),
    ("GET", "//__mock/health", "admin"),
]


def raw_exchange(port: int, method: str, target: str) -> tuple[int, dict]:
    """One request line sent as written (a client library would normalise it)."""
    request = (f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(DELLIN_BODY)}\r\nConnection: close\r\n\r\n").encode() + DELLIN_BODY
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def assert_not_found_in_envelope(status: int, body: dict, api: str) -> None:
    assert status == (400 if api == "navixy" else 404)
    if api == "dellin":
        assert body["metadata"]["status"] == 404 and body["errors"]
    elif api == "navixy":
        assert body["success"] is False and body["status"]["code"] == 111
    else:
        assert body["error"]["message"]


@pytest.mark.live
@pytest.mark.parametrize("method, target, api", CASES)
def test_over_waitress_a_leading_double_slash_is_not_found_in_the_api_envelope(app, method, target, api):
    with ThreadedServer(app) as server:
        status, body = raw_exchange(server.port, method, target)
    assert_not_found_in_envelope(status, body, api)


@pytest.mark.parametrize("method, target, api", CASES)
def test_in_process_the_request_line_decides_too(client, method, target, api):
    path, _, query = target.partition("?")
    # what a server hands the app: the path with its leading slashes merged, the request line as sent
    environ = {"PATH_INFO": "/" + path.lstrip("/"), "QUERY_STRING": query, "REQUEST_URI": target}
    answer = client.open("/", method=method, data=DELLIN_BODY, content_type="application/json",
                         environ_overrides=environ)
    assert_not_found_in_envelope(answer.status_code, answer.get_json(), api)


def test_the_refused_call_is_journaled_without_an_operation(client, runtime):
    client.open("/", method="POST", data=DELLIN_BODY, content_type="application/json",
                environ_overrides={"PATH_INFO": "/v1/webhooks", "REQUEST_URI": "//v1/webhooks"})
    entry = runtime.journal.entries()[-1]
    assert entry["operation"] is None and entry["response"]["status"] == 404
