"""The interceptor: the real base URLs reach the mock, in-process or over HTTP."""
from __future__ import annotations

import asyncio

import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter

from mockserver import create_app
from mockserver.testing import intercept
from mockserver.testing.hosts import api_for_url

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
CREATE = "/v2/user/session/delivery/create"
READ = "/v2/user/session/delivery/read"


@pytest.mark.parametrize(
    "url, api",
    [
        ("https://api.eu.navixy.com/v2/user/session/delivery/create", "navixy"),
        ("https://API.US.navixy.com:443/v2/x", "navixy"),
        ("https://api.dellin.ru/v1/webhooks", "dellin"),
        ("http://api.dellin.ru/v1/webhooks", None),
        ("https://api.dellin.ru:8443/v1/webhooks", None),
        ("https://example.com/v2", None),
    ],
)
def test_which_urls_are_routed(url, api):
    assert api_for_url(url) == api


def test_requests_and_httpx_reach_the_same_app_without_a_socket(app):
    with intercept(app):
        created = requests.post("https://api.eu.navixy.com" + CREATE, json={"hash": MASTER})
        assert created.status_code == 200, created.text
        # another Navixy host, another client library, the same state
        read = httpx.get("https://api.us.navixy.com" + READ, params={"hash": MASTER})
        assert read.status_code == 200
        assert read.json()["value"] == created.json()["value"]
        with httpx.Client() as client:
            form = client.post("https://api.eu.navixy.com" + READ, data={"hash": MASTER})
        assert form.json()["value"] == created.json()["value"]
        # Dellin lives at the host root
        dellin = requests.post("https://api.dellin.ru/v1/no_such_endpoint", json={})
        assert dellin.status_code == 404
        assert "metadata" in dellin.json()
    from mockserver.app import runtime_of

    journal = runtime_of(app).journal.entries()
    assert [e["operation"] for e in journal[:3]] == ["navixy.delivery.create", "navixy.delivery.read",
                                                    "navixy.delivery.read"]


def test_httpx_async_client_reaches_the_app_without_a_socket(app):
    async def calls():
        async with httpx.AsyncClient() as client:
            created = await client.post("https://api.eu.navixy.com" + CREATE, json={"hash": MASTER})
            reads = await asyncio.gather(*[
                client.get("https://api.us.navixy.com" + READ, params={"hash": MASTER}) for _ in range(4)])
            foreign = await client.post("https://api.dellin.ru" + CREATE, json={"hash": MASTER})
        return created, reads, foreign

    with intercept(app):
        created, reads, foreign = asyncio.run(calls())
        again, *_ = asyncio.run(calls())  # a new client on a second event loop
    assert created.status_code == 200, created.text
    assert {r.json()["value"] for r in reads} == {created.json()["value"]}
    assert foreign.status_code == 404 and foreign.json()["errors"][0]["code"] == 100002
    assert again.status_code == 200 and again.json()["value"] != created.json()["value"]
    from mockserver.app import runtime_of

    operations = [e["operation"] for e in runtime_of(app).journal.entries()]
    assert operations[:6] == ["navixy.delivery.create"] + ["navixy.delivery.read"] * 4 + [None]


def test_httpx_async_calls_run_off_the_event_loop(app, monkeypatch):
    """A delayed answer (a delay fault) leaves the loop free for other work:
    the delay lasts until the loop has run another task, which it could not
    do if the call blocked it (then the delay ends at its own bound)."""
    import threading

    from mockserver.faults import apply as fault_apply
    from mockserver.app import runtime_of

    ticked = threading.Event()
    monkeypatch.setattr(fault_apply, "sleep", lambda seconds: ticked.wait(seconds))
    runtime_of(app).faults.add({"when": {"operation": "navixy.delivery.read"}, "delay_ms": 10_000})
    order = []

    async def slow_call(client):
        await client.get("https://api.eu.navixy.com" + READ, params={"hash": MASTER})
        order.append("answer")

    async def tick():
        await asyncio.sleep(0)
        order.append("tick")
        ticked.set()

    async def main():
        async with httpx.AsyncClient(timeout=None) as client:
            await asyncio.gather(slow_call(client), tick())

    with intercept(app):
        asyncio.run(main())
    assert order == ["tick", "answer"]


def test_a_session_made_before_activation_is_routed_too(app):
    session = requests.Session()
    with intercept(app):
        answer = session.get("https://api.eu.navixy.com" + READ, headers={"Authorization": "NVX " + MASTER})
    assert answer.json()["status"]["code"] == 201
    assert answer.url == "https://api.eu.navixy.com" + READ


def test_paths_outside_an_api_get_a_404_in_its_envelope(app):
    with intercept(app):
        navixy = requests.get("https://api.eu.navixy.com/__mock/state")
        dellin = httpx.get("https://api.dellin.ru/__mock/state")
        dellin_v2 = requests.post("https://api.dellin.ru" + CREATE, json={"hash": MASTER})
    assert navixy.status_code == 400 and navixy.json()["status"]["code"] == 111
    assert dellin.status_code == 404 and dellin.json()["errors"][0]["code"] == 100002
    assert dellin_v2.status_code == 404 and "errors" in dellin_v2.json()


def test_a_foreign_path_is_answered_by_the_app_on_its_clock_and_journaled(app):
    from mockserver.app import runtime_of

    runtime_of(app).load_scenario({"name": "t", "clock": {"start": "2024-06-01T09:00:00Z"}})
    with intercept(app):
        dellin_v2 = requests.post("https://api.dellin.ru" + CREATE, json={"hash": MASTER})
        navixy_dellin = httpx.post("https://api.eu.navixy.com/v1/webhooks", json={})
    assert dellin_v2.json()["metadata"]["generated_at"] == "2024-06-01 09:00:00"  # the mock's clock
    assert navixy_dellin.status_code == 400 and navixy_dellin.json()["status"]["code"] == 111
    journal = runtime_of(app).journal.entries()
    assert [(e["api"], e["operation"], e["path"], e["response"]["status"]) for e in journal] == [
        ("dellin", None, CREATE, 404), ("navixy", None, "/v1/webhooks", 400)]


def test_other_hosts_are_left_alone_and_patches_are_removed(app, live):
    patch_points = (HTTPAdapter.send, httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request)
    other = live

    async def async_health():
        async with httpx.AsyncClient() as client:
            return (await client.get(other.url + "/__mock/health")).json()

    with intercept(app):
        # a real socket call to another host still works: the live mock's journal sees them
        assert requests.get(other.url + "/__mock/health").json() == {"status": "ok"}
        assert httpx.get(other.url + "/__mock/health").json() == {"status": "ok"}
        assert asyncio.run(async_health()) == {"status": "ok"}
        requests.post(other.url + READ, json={"hash": MASTER})
        httpx.post(other.url + READ, json={"hash": MASTER})
    from mockserver.app import runtime_of

    assert len(runtime_of(other.app).journal.entries()) == 2
    assert runtime_of(app).journal.entries() == []
    assert (HTTPAdapter.send, httpx.HTTPTransport.handle_request,
            httpx.AsyncHTTPTransport.handle_async_request) == patch_points


def test_clients_made_before_activation_are_routed_too(app):
    session = requests.Session()
    client = httpx.Client()

    async def async_read(async_client):
        return await async_client.post("https://api.eu.navixy.com" + READ, json={"hash": MASTER})

    async def both():
        async with httpx.AsyncClient() as early:
            with intercept(app):
                return await async_read(early)

    with client, intercept(app):
        created = session.post("https://api.eu.navixy.com" + CREATE, json={"hash": MASTER})
        read = client.post("https://api.eu.navixy.com" + READ, json={"hash": MASTER})
    assert created.status_code == 200 and read.json()["value"] == created.json()["value"]
    assert asyncio.run(both()).status_code == 200


def test_nested_interceptors_route_to_the_innermost(app):
    inner_app = create_app(scenario={"name": "inner", "state": {"navixy": {"users": [{"hash": "f" * 32}]}}})
    with intercept(app):
        with intercept(inner_app):
            inner = requests.get("https://api.eu.navixy.com" + CREATE, params={"hash": "f" * 32})
        outer = requests.get("https://api.eu.navixy.com" + CREATE, params={"hash": "f" * 32})
    assert inner.status_code == 200
    assert outer.json()["status"]["code"] == 4


def test_routing_to_an_external_mock_by_url(live):
    with intercept(live.url):
        created = requests.post("https://api.eu.navixy.com" + CREATE, json={"hash": MASTER})
        read = httpx.post("https://api.us.navixy.com" + READ, json={"hash": MASTER})
        refused = httpx.get("https://api.eu.navixy.com/other")
        refused_requests = requests.get("https://api.dellin.ru/__mock/state")

        async def async_calls():
            async with httpx.AsyncClient() as client:
                return (await client.post("https://api.eu.navixy.com" + READ, json={"hash": MASTER}),
                        await client.get("https://api.dellin.ru/v2/x"))

        async_read, async_refused = asyncio.run(async_calls())
    assert created.status_code == 200 and created.url == "https://api.eu.navixy.com" + CREATE
    assert async_read.json()["value"] == created.json()["value"]
    assert async_read.request.url == "https://api.eu.navixy.com" + READ
    assert async_refused.status_code == 404 and async_refused.json()["errors"][0]["code"] == 100002
    assert read.json()["value"] == created.json()["value"]
    assert refused.status_code == 400 and refused.json()["status"]["code"] == 111
    assert refused_requests.status_code == 404 and "errors" in refused_requests.json()
