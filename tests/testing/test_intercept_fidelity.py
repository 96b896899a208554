"""The interceptor behaves as a server on a socket would: client timeouts,
dropped connections, chunked bodies, proxies, userinfo and fully qualified
host names, in process and through an external mock's URL."""
from __future__ import annotations

import asyncio

import httpx
import pytest
import requests
from urllib3.util import Timeout

from mockserver import create_app
from mockserver.faults import apply as fault_apply
from mockserver.app import runtime_of
from mockserver.testing import intercept
from mockserver.testing.hosts import HostGuard, api_for_host, api_for_url

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
EU = "https://api.eu.navixy.com"
CREATE = "/v2/user/session/delivery/create"
READ = "/v2/user/session/delivery/read"



def _post_with(library: str, url: str, timeout=None, **kwargs):
    """A POST by one client library, as code under test would make it."""
    if library == "requests":
        return requests.post(url, timeout=timeout, **kwargs)
    if library == "httpx":
        with httpx.Client(timeout=timeout) as client:
            return client.post(url, **kwargs)

    async def post():
        async with httpx.AsyncClient(timeout=timeout) as client:
            return await client.post(url, **kwargs)

    return asyncio.run(post())


LIBRARIES = ["requests", "httpx", "httpx_async"]
TIMEOUT_ERRORS = {"requests": requests.exceptions.ReadTimeout, "httpx": httpx.ReadTimeout,
                  "httpx_async": httpx.ReadTimeout}
DROP_ERRORS = {"requests": requests.exceptions.ConnectionError, "httpx": httpx.RemoteProtocolError,
               "httpx_async": httpx.RemoteProtocolError}


# ---------------------------------------------------------------------- timeouts
def _read_timeout(library: str, seconds: float):
    """A short read timeout and a connect timeout no busy machine outlasts."""
    return (30, seconds) if library == "requests" else httpx.Timeout(30, read=seconds)


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_delay_past_the_read_timeout_raises_the_library_timeout(routed, library):
    runtime, target = routed
    runtime.faults.add({"when": {"operation": "navixy.delivery.create"}, "delay_ms": 600})
    with intercept(target), pytest.raises(TIMEOUT_ERRORS[library]):
        _post_with(library, EU + CREATE, timeout=_read_timeout(library, 0.1), json={"hash": MASTER})


@pytest.mark.parametrize("timeout", [0.3, (5, 0.3), Timeout(connect=5, read=0.3), Timeout(total=0.3)])
def test_requests_stops_waiting_at_its_read_timeout_and_the_call_still_happens(app, monkeypatch, timeout):
    waits = []
    monkeypatch.setattr(fault_apply, "sleep", waits.append)
    runtime_of(app).faults.add({"when": {"operation": "navixy.delivery.create"}, "delay_ms": 2000})
    with intercept(app):
        with pytest.raises(requests.exceptions.ReadTimeout, match=r"Read timed out\. \(read timeout=0\.\d"):
            requests.post(EU + CREATE, json={"hash": MASTER}, timeout=timeout)
        # the server went on with the call its client gave up on
        read = requests.post(EU + READ, json={"hash": MASTER})
    # a total timeout leaves what the connection did not use: at most 0.3 s
    [waited] = waits
    assert 0 < waited <= 0.3 and (waited == 0.3 or isinstance(timeout, Timeout) and timeout.total)
    created, _ = runtime_of(app).journal.entries()
    assert created["operation"] == "navixy.delivery.create" and created["response"]["status"] == 200
    assert created["faults"] == [{"id": 1, "action": "delay", "delay_ms": 2000}]
    assert read.json()["value"] == created["response"]["json"]["value"]


@pytest.mark.parametrize("library", ["httpx", "httpx_async"])
def test_httpx_stops_waiting_at_its_read_timeout(app, monkeypatch, library):
    waits = []
    monkeypatch.setattr(fault_apply, "sleep", waits.append)
    runtime_of(app).faults.add({"when": {"operation": "navixy.delivery.create"}, "delay_ms": 2000})
    with intercept(app), pytest.raises(httpx.ReadTimeout):
        _post_with(library, EU + CREATE, timeout=httpx.Timeout(5, read=0.3), json={"hash": MASTER})
    assert waits == [0.3]
    assert runtime_of(app).journal.entries()[0]["response"]["status"] == 200


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("timeout", [None, 5])
def test_a_delay_within_the_read_timeout_is_waited_in_full(app, monkeypatch, library, timeout):
    waits = []
    monkeypatch.setattr(fault_apply, "sleep", waits.append)
    runtime_of(app).faults.add({"when": {"operation": "navixy.delivery.create"}, "delay_ms": 2000})
    with intercept(app):
        answer = _post_with(library, EU + CREATE, timeout=timeout, json={"hash": MASTER})
    assert answer.status_code == 200
    assert waits == [2.0]


@pytest.mark.parametrize("timeout", [0, (1, 2, 3)])
def test_requests_refuses_a_bad_timeout_as_over_a_socket(app, timeout):
    with intercept(app), pytest.raises(ValueError):
        requests.post(EU + CREATE, json={"hash": MASTER}, timeout=timeout)
    assert runtime_of(app).journal.entries() == []


# ---------------------------------------------------------------------- dropped connections
@pytest.mark.parametrize("library", LIBRARIES)
def test_a_dropped_connection_raises_the_library_error(routed, library):
    runtime, target = routed
    runtime.faults.add({"when": {"operation": "navixy.delivery.create"}, "drop_connection": True})
    with intercept(target), pytest.raises(DROP_ERRORS[library]) as raised:
        _post_with(library, EU + CREATE, timeout=10, json={"hash": MASTER})
    assert not isinstance(raised.value, fault_apply.ConnectionDropped)


@pytest.mark.parametrize("library", LIBRARIES)
def test_in_process_a_drop_reads_as_a_server_closing_without_an_answer(app, library):
    runtime_of(app).faults.add({"when": {"operation": "navixy.delivery.create"}, "drop_connection": True})
    with intercept(app), pytest.raises(DROP_ERRORS[library]) as raised:
        _post_with(library, EU + CREATE, json={"hash": MASTER})
    words = "Remote end closed connection without response" if library == "requests" else \
        "Server disconnected without sending a response."
    assert words in str(raised.value)
    assert raised.value.request.url == EU + CREATE
    assert runtime_of(app).journal.entries()[0]["faults"] == [{"id": 1, "action": "drop_connection"}]


def test_a_client_that_gave_up_sees_a_timeout_even_when_the_connection_is_then_dropped(app, monkeypatch):
    monkeypatch.setattr(fault_apply, "sleep", lambda seconds: None)
    runtime_of(app).faults.add({"when": {"operation": "navixy.delivery.create"}, "delay_ms": 2000,
                                "drop_connection": True})
    with intercept(app), pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(EU + CREATE, json={"hash": MASTER}, timeout=0.3)


# ---------------------------------------------------------------------- chunked bodies
def _chunks():
    yield b'{"hash": '
    yield f'"{MASTER}"}}'.encode()


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_chunked_body_arrives_whole(routed, library):
    runtime, target = routed
    with intercept(target):
        if library == "httpx_async":
            async def chunks():
                for chunk in _chunks():
                    yield chunk
            body = chunks()
        else:
            body = _chunks()
        kwargs = {"data": body} if library == "requests" else {"content": body}
        answer = _post_with(library, EU + CREATE, headers={"Content-Type": "application/json"}, **kwargs)
    assert answer.status_code == 200, answer.text
    entry = runtime.journal.entries()[0]
    assert entry["request"]["json"] == {"hash": MASTER}
    assert entry["response"]["json"]["value"] == answer.json()["value"]


def _recording_app(environs: list):
    """A WSGI app that keeps the environ of every call."""
    def app(environ, start_response):
        environs.append(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    return app


def test_the_app_gets_the_headers_a_server_would_give_it():
    environs = []
    with intercept(_recording_app(environs)):
        httpx.get(EU + READ, headers=[("X-Trace", "a"), ("X-Trace", "b")])
        requests.post(EU + READ, data=iter([b"x", b"yz"]))
    sent_twice, chunked = environs
    assert sent_twice["HTTP_X_TRACE"] == "a, b"
    # a server reads a chunked body whole and declares its length instead
    assert "HTTP_TRANSFER_ENCODING" not in chunked and chunked["CONTENT_LENGTH"] == "3"
    assert chunked["wsgi.input"].read() == b"xyz"


# ---------------------------------------------------------------------- proxies
@pytest.fixture
def proxy_env(monkeypatch):
    """An unreachable proxy for plain http, named by both spellings requests reads."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    return monkeypatch


def test_an_external_mock_listed_in_no_proxy_is_reached_directly(live, proxy_env):
    proxy_env.setenv("NO_PROXY", "127.0.0.1")
    with intercept(live.url):
        answer = requests.post(EU + CREATE, json={"hash": MASTER}, timeout=10)
    assert answer.status_code == 200


def test_the_proxy_for_an_external_mock_is_the_one_for_its_url(live, proxy_env):
    with intercept(live.url):
        with pytest.raises(requests.exceptions.ProxyError):
            requests.post(EU + CREATE, json={"hash": MASTER}, timeout=10)
        # a session that does not trust the environment reads no proxy from it
        session = requests.Session()
        session.trust_env = False
        assert session.post(EU + CREATE, json={"hash": MASTER}, timeout=10).status_code == 200


def test_in_process_no_proxy_applies(app, proxy_env):
    proxy_env.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    with intercept(app):
        assert requests.post(EU + CREATE, json={"hash": MASTER}).status_code == 200


# ---------------------------------------------------------------------- userinfo
@pytest.mark.parametrize("library", ["requests", "httpx"])
def test_userinfo_in_the_url_does_not_get_past_the_host(routed, library):
    _, target = routed
    get = requests.get if library == "requests" else httpx.get
    with intercept(target):
        admin = get("https://u:p@api.eu.navixy.com/__mock/state")
        dellin = get("https://u:p@api.eu.navixy.com/v1/webhooks")
        navixy_on_dellin = get("https://u:p@api.dellin.ru" + READ)
    assert admin.status_code == 400 and admin.json()["status"]["code"] == 111
    assert dellin.status_code == 400 and dellin.json()["status"]["code"] == 111
    assert navixy_on_dellin.status_code == 404 and navixy_on_dellin.json()["errors"][0]["code"] == 100002


def test_userinfo_never_reaches_the_host_header():
    environs = []
    with intercept(_recording_app(environs)):
        requests.get("https://user:secret@api.eu.navixy.com" + READ)
        httpx.get("https://user:secret@api.eu.navixy.com" + READ)
    assert [e["HTTP_HOST"] for e in environs] == ["api.eu.navixy.com"] * 2
    assert all(e["HTTP_AUTHORIZATION"].startswith("Basic ") for e in environs)


@pytest.mark.parametrize(
    "host, api",
    [
        ("api.eu.navixy.com", "navixy"),
        ("u:p@API.EU.navixy.com:443", "navixy"),
        ("api.dellin.ru.", "dellin"),
        ("u@api.dellin.ru.:443", "dellin"),
        ("api.dellin.ru..", None),
        ("evil.api.dellin.ru", None),
        ("api.dellin.ru.evil.com", None),
        ("api.dellin.ru@evil.com", None),
        ("[::1]:443", None),
        ("", None),
    ],
)
def test_which_hosts_are_ours(host, api):
    assert api_for_host(host) == api


def test_host_guard_reads_the_host_header_as_a_server_would():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)

    HostGuard(app)({"HTTP_HOST": "u:p@API.US.navixy.com.:443"}, None)
    assert seen["mockserver.host_api"] == "navixy"


# ---------------------------------------------------------------------- fully qualified host names
@pytest.mark.parametrize(
    "url, api",
    [
        ("https://api.eu.navixy.com./v2/x", "navixy"),
        ("https://API.dellin.ru.:443/v1/webhooks", "dellin"),
        ("https://api.dellin.ru../v1/webhooks", None),
    ],
)
def test_a_trailing_dot_names_the_same_host(url, api):
    assert api_for_url(url) == api


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_fully_qualified_host_is_routed_too(routed, library):
    runtime, target = routed
    with intercept(target):
        created = _post_with(library, "https://api.eu.navixy.com." + CREATE, json={"hash": MASTER})
        foreign = _post_with(library, "https://api.dellin.ru." + CREATE, json={"hash": MASTER})
    assert created.status_code == 200, created.text
    assert runtime.journal.entries()[0]["operation"] == "navixy.delivery.create"
    assert foreign.status_code == 404 and foreign.json()["errors"][0]["code"] == 100002
