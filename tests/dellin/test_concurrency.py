"""Many clients at once over a real socket: the limit holds and concurrent
add/delete on one subscription ends where a serial run would."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .helpers import APPKEY, HOOK, SESSION

pytestmark = pytest.mark.live


def post(session: requests.Session, endpoint: str, **params):
    response = session.post(endpoint, json={"appkey": APPKEY, "sessionID": SESSION, **params}, timeout=30)
    return response.status_code, response.json()


def test_fifty_threads_creating_for_one_user_leave_exactly_ten(live_server, runtime):
    # the default scenario's info@info.ru already has 2 subscriptions
    endpoint = live_server.url + "/v1/webhooks/update"

    def create(n):
        with requests.Session() as http:
            return post(http, endpoint, url=f"{HOOK}/{n}", orderRoles=["sender"])

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(create, range(50)))
    created = [body["data"]["id"] for status, body in results if status == 200]
    refused = [body["errors"][0]["code"] for status, body in results if status != 200]
    assert len(created) == 8 and len(set(created)) == 8
    assert refused == [110010] * 42
    with requests.Session() as http:
        status, body = post(http, live_server.url + "/v1/webhooks")
    assert status == 200
    assert len(body["data"]) == 10
    assert sorted(s["id"] for s in body["data"]) == sorted([2, 3, *created])


def _plan(worker: int) -> list[tuple[str, list[str]]]:
    """One worker's calls: its own order numbers, added and removed in a fixed order."""
    mine = [f"{worker:02d}{n:03d}" for n in range(12)]
    return [
        ("add", mine[0:5]),
        ("add", mine[5:10]),
        ("delete", mine[1:4]),
        ("add", [mine[2], mine[10], mine[0]]),  # mine[0] is already there: no move
        ("delete", [mine[11], mine[6]]),  # mine[11] was never added
        ("add", [mine[11]]),
    ]


def _serial(plan) -> list[str]:
    orders: list[str] = []
    for action, numbers in plan:
        if action == "add":
            orders.extend(n for n in numbers if n not in orders)
        else:
            orders[:] = [n for n in orders if n not in numbers]
    return orders


def test_concurrent_add_and_delete_on_one_subscription_match_a_serial_model(live_server, runtime):
    workers = 16
    base = live_server.url + "/v1/webhooks/3/orders"

    def run(worker):
        with requests.Session() as http:
            for action, numbers in _plan(worker):
                status, body = post(http, f"{base}/{action}", orderNumbers=numbers)
                assert status == 200, body

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, range(workers)))

    with requests.Session() as http:
        final, page = [], 1
        while page is not None:
            status, body = post(http, base, page=page, perPage=7)
            assert status == 200
            final.extend(body["orders"])
            page = body["metadata"]["nextPage"]
    seeded = ["8216702228555", "8216702228556"]
    assert final[:2] == seeded
    assert len(final) == len(set(final))
    # each worker's numbers form exactly the serial model's list, in the same order
    for worker in range(workers):
        prefix = f"{worker:02d}"
        assert [n for n in final[2:] if n.startswith(prefix)] == _serial(_plan(worker))
    assert len(final) == 2 + sum(len(_serial(_plan(w))) for w in range(workers))
