"""aiohttp under the interceptor: the real hosts reach the mock, in this
process or an external one; other hosts are left alone; the client's timeout
and a dropped connection raise aiohttp's own errors; and the journal and the
assertions see the calls."""
from __future__ import annotations

import asyncio

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.testing import intercept

aiohttp = pytest.importorskip("aiohttp")

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
EU = "https://api.eu.navixy.com"
DELLIN = "https://api.dellin.ru"
READ = "/v2/user/session/delivery/read"
APPKEY = "00000000-0000-0000-0000-000000000000"



async def _post(url, timeout=None, session_kwargs=None, **kwargs):
    async with aiohttp.ClientSession(timeout=timeout or aiohttp.ClientTimeout(total=60), **(session_kwargs or {})) as session:
        async with session.post(url, **kwargs) as answer:
            return answer.status, await answer.json(content_type=None), answer.headers.copy()  # case-insensitive


def test_navixy_and_dellin_hosts_reach_the_mock(routed):
    runtime, target = routed
    with intercept(target):
        status, body, _ = asyncio.run(_post(EU + READ, json={"hash": MASTER}))
        dellin_status, dellin_body, _ = asyncio.run(
            _post(DELLIN + "/v3/auth/login.json", json={"appkey": APPKEY, "login": "info@info.ru", "password": "Password1"}))
    assert (status, body["status"]["code"]) == (400, 201)  # the master user has no delivery session yet
    assert dellin_status == 200 and "sessionID" in dellin_body["data"]
    operations = [call["operation"] for call in runtime.journal.entries()]
    assert operations[-2:] == ["navixy.delivery.read", "dellin.auth.login"]


def test_a_session_base_url_is_resolved_as_aiohttp_does(routed):
    runtime, target = routed
    with intercept(target):
        status, body, _ = asyncio.run(_post("/v2/user/session/delivery/read", json={"hash": MASTER},
                                            session_kwargs={"base_url": EU}))
    assert body["status"]["code"] == 201


def test_a_path_the_hosts_api_does_not_have_is_that_apis_404():
    with intercept(create_app()):
        status, body, _ = asyncio.run(_post(DELLIN + READ, json={"hash": MASTER}))
    assert status == 404 and "errors" in body  # Dellin's envelope, not Navixy's answer


def test_other_hosts_are_left_alone(live):
    with intercept(create_app()):
        status, body, _ = asyncio.run(_post(live.url + READ, json={"hash": MASTER}))
    assert body["status"]["code"] == 201
    assert [call["operation"] for call in runtime_of(live.app).journal.entries()] == ["navixy.delivery.read"]


def test_a_delay_fault_longer_than_the_clients_timeout_raises_aiohttps_timeout(routed):
    runtime, target = routed
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "delay_ms": 3000, "times": 1})
    timeout = aiohttp.ClientTimeout(total=60, sock_read=0.2)
    with intercept(target):
        with pytest.raises(asyncio.TimeoutError):  # aiohttp's ServerTimeoutError is one
            asyncio.run(_post(EU + READ, timeout=timeout, json={"hash": MASTER}))


def test_a_dropped_connection_raises_aiohttps_disconnect_error(routed):
    runtime, target = routed
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "drop_connection": True, "times": 1})
    with intercept(target):
        with pytest.raises(aiohttp.ServerDisconnectedError):
            asyncio.run(_post(EU + READ, json={"hash": MASTER}))


def test_a_fault_answer_keeps_its_status_and_headers(routed):
    runtime, target = routed
    rule = runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "respond": {"error": 15}, "times": 1})
    with intercept(target):
        status, body, headers = asyncio.run(_post(EU + READ, json={"hash": MASTER}))
    assert (status, body["status"]["code"]) == (429, 15)
    assert headers["X-Mock-Fault"] == str(rule["id"])


def test_after_the_interceptor_stops_aiohttp_is_itself_again():
    from aiohttp import ClientSession

    before = ClientSession._request
    with intercept(create_app()):
        assert ClientSession._request is not before
    assert ClientSession._request is before


def test_mock_intercept_routes_aiohttp_in_a_downstream_suite(pytester):
    pytester.makepyfile(test_downstream="""
        import asyncio

        import aiohttp


        async def read(hash_):
            async with aiohttp.ClientSession() as session:
                async with session.post("https://api.eu.navixy.com/v2/user/session/delivery/read",
                                        json={"hash": hash_}) as answer:
                    return answer.status, await answer.json()


        def test_read(mock, mock_intercept):
            status, body = asyncio.run(read("22eac1c27af4be7b9d04da2ce1af111b"))
            assert body["status"]["code"] == 201
            mock.assert_called("navixy.delivery.read", times=1, status=400)
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


# ---------------------------------------------------------------- other hosts
async def _get(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as answer:
            return answer.status


def _by_each_library(url):
    import httpx
    import requests

    yield "requests", lambda: requests.get(url, timeout=30), requests.exceptions.ConnectionError
    yield "httpx", lambda: httpx.get(url, timeout=30), httpx.ConnectError
    yield "aiohttp", lambda: asyncio.run(_get(url)), aiohttp.ClientConnectionError


@pytest.mark.parametrize("library", ["requests", "httpx", "aiohttp"])
def test_other_hosts_can_be_refused_with_each_librarys_own_error(library, live):
    calls = {name: (call, error) for name, call, error in _by_each_library("https://example.invalid/anything")}
    call, error = calls[library]
    with intercept(create_app(), other_hosts=False):
        with pytest.raises(error, match="refuses calls to hosts other than the mocked ones"):
            call()
        # this machine stays reachable: the mock's own socket, receivers
        local = {name: c for name, c, _ in _by_each_library(live.url + "/__mock/health")}[library]
        local()


def test_mock_intercept_refuses_other_hosts_when_configured(pytester):
    pytester.makeini("[pytest]\nmock_other_hosts = refuse\n")
    pytester.makepyfile(test_downstream="""
        import pytest
        import requests


        def test_refused(mock_intercept):
            with pytest.raises(requests.ConnectionError):
                requests.get("https://example.invalid/", timeout=30)
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
