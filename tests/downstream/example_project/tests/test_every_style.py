"""The optional styles, from the installed package and its extras: property
tests drawn from the shipped schemas, aiohttp under the interceptor, and
chaos faults replayed from a seed."""
import asyncio

import aiohttp
import pytest
import requests
from hypothesis import given, settings

from mockserver.strategies import errors

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


@settings(max_examples=10, deadline=None)
@given(errors("dellin"))
def test_error_draws_come_from_the_shipped_table(envelope):
    assert envelope["metadata"]["status"] >= 400 and len(str(envelope["errors"][0]["code"])) == 6


async def _read(hash_):
    async with aiohttp.ClientSession() as session:
        async with session.post("https://api.eu.navixy.com/v2/user/session/delivery/read", json={"hash": hash_}) as answer:
            return answer.status, await answer.json()


def test_aiohttp_reaches_the_mock(mock, mock_intercept):
    status, body = asyncio.run(_read(MASTER))
    assert (status, body["status"]["code"]) == (400, 201)
    mock.assert_called("navixy.delivery.read", times=1)


def _statuses(mock):
    mock.add_fault(when={"operation": "navixy.delivery.read"}, respond={"error": 8}, probability=0.5)
    return [requests.post(mock.navixy_url + "/user/session/delivery/read", json={"hash": MASTER}).status_code
            for _ in range(20)]


SEEN = []


@pytest.mark.mock_scenario(seed=5)
@pytest.mark.parametrize("run", [1, 2])
def test_chaos_replays_from_its_seed(mock, run):
    SEEN.append(_statuses(mock))
    assert 503 in SEEN[-1] and 400 in SEEN[-1]
    assert SEEN[0] == SEEN[-1]
