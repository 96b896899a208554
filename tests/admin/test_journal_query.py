"""The journal's server-side filters and the count of matching calls."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st


MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
DEMO = "11111111111111111111111111111111"
NO_TARIFF = "55555555555555555555555555555555"
CREATE = "/v2/user/session/delivery/create"
READ = "/v2/user/session/delivery/read"
LOGIN = "/v3/auth/login.json"
APPKEY = "00000000-0000-0000-0000-000000000000"

CALLS = {
    "create master": lambda c: c.post(CREATE, json={"hash": MASTER}),  # 200
    "create no tariff": lambda c: c.post(CREATE, json={"hash": NO_TARIFF}),  # 402 (236)
    "create by GET": lambda c: c.get(CREATE + "?hash=" + DEMO),  # 200, then 403 (101)
    "read master": lambda c: c.post(READ, json={"hash": MASTER}),
    "login": lambda c: c.post(LOGIN, json={"appkey": APPKEY, "login": "info@info.ru", "password": "Password1"}),
    "bad login": lambda c: c.post(LOGIN, json={"appkey": APPKEY, "login": "info@info.ru", "password": "no"}),
    "no route": lambda c: c.post("/v1/nowhere", json={}),
}


def journal(client, query=""):
    response = client.get("/__mock/requests" + query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["requests"]


def count(client, matcher):
    response = client.post("/__mock/requests/count", json=matcher)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["count"]


@pytest.fixture
def busy(client):
    for name in ("create master", "create no tariff", "create by GET", "create by GET", "read master", "login", "no route"):
        CALLS[name](client)
    return client


def test_each_filter_narrows_the_journal(busy):
    assert [e["operation"] for e in journal(busy, "?operation=navixy.delivery.create")] == ["navixy.delivery.create"] * 4
    assert {e["api"] for e in journal(busy, "?api=dellin")} == {"dellin"}
    assert len(journal(busy, "?api=dellin")) == 2  # the login and the call to no route
    assert [e["response"]["status"] for e in journal(busy, "?api=navixy&status=4xx")] == [402, 403]
    assert [e["response"]["status"] for e in journal(busy, "?status=403")] == [403]


def test_limit_keeps_the_most_recent_calls_oldest_first(busy):
    everything = journal(busy)
    assert journal(busy, "?limit=2") == everything[-2:]
    assert journal(busy, "?limit=1000") == everything


def test_since_is_an_instant_of_the_mock_clock(busy):
    assert len(journal(busy, "?since=2024-06-01T09:00:00Z")) == 7
    busy.post("/__mock/clock/advance", json={"by": "1m"})
    CALLS["read master"](busy)
    later = journal(busy, "?since=2024-06-01T09:00:30Z")
    assert [(e["operation"], e["time"]) for e in later] == [("navixy.delivery.read", "2024-06-01T09:01:00Z")]


@pytest.mark.parametrize("query, wrong", [
    ("?opertion=navixy.delivery.create", "opertion"),
    ("?operation=navixy.delivery.creat", "operation"),
    ("?operation=admin.health", "operation"),
    ("?api=admin", "api"),
    ("?status=40", "status"),
    ("?status=6xx", "status"),
    ("?since=yesterday", "since"),
    ("?limit=0", "limit"),
    ("?limit=-1", "limit"),
    ("?limit=ten", "limit"),
    ("?api=navixy&api=dellin", "api"),
])
def test_a_filter_it_does_not_know_is_refused_not_ignored(busy, query, wrong):
    response = busy.get("/__mock/requests" + query)
    assert response.status_code == 400
    assert wrong in [d["path"] for d in response.get_json()["error"]["details"]]


def test_count_takes_the_filters_and_a_fault_rule_matcher(busy):
    assert count(busy, {}) == 7
    assert count(busy, {"operation": "navixy.delivery.create"}) == 4
    assert count(busy, {"operation": "navixy.delivery.create", "method": "GET"}) == 2
    assert count(busy, {"api": "navixy", "status": "2xx"}) == 3
    assert count(busy, {"status": 402}) == 1
    assert count(busy, {"path": {"$regex": "^/v3/"}}) == 1
    assert count(busy, {"body": {"hash": MASTER}}) == 2
    assert count(busy, {"since": "2030-01-01T00:00:00Z"}) == 0


@pytest.mark.parametrize("matcher", [
    {"operation": "navixy.delivery.nope"},
    {"opertion": "navixy.delivery.create"},
    {"status": "abc"},
    {"since": "soon"},
    {"path": {"$regex": "("}},
    {"method": "FETCH"},
])
def test_a_bad_matcher_is_refused(busy, matcher):
    response = busy.post("/__mock/requests/count", json=matcher)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]


def test_count_needs_a_json_object(busy):
    assert busy.post("/__mock/requests/count", data="[]", content_type="application/json").status_code == 400


# ------------------------------------------------------------------ properties
FILTERS = st.fixed_dictionaries({}, optional={
    "api": st.sampled_from(["navixy", "dellin"]),
    "operation": st.sampled_from(["navixy.delivery.create", "navixy.delivery.read", "dellin.auth.login"]),
    "status": st.sampled_from(["200", "402", "403", "404", "2xx", "4xx"]),
})


def kept(entry, filters) -> bool:
    status = str(entry["response"]["status"])
    wanted = filters.get("status")
    return (
        filters.get("api", entry["api"]) == entry["api"]
        and filters.get("operation", entry["operation"]) == entry["operation"]
        and (wanted is None or (status[0] == wanted[0] if wanted.endswith("xx") else status == wanted))
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=st.lists(st.sampled_from(sorted(CALLS)), max_size=12), filters=FILTERS,
       limit=st.one_of(st.none(), st.integers(1, 15)))
def test_the_server_filters_as_the_journal_would_be_filtered_by_hand(client, calls, filters, limit):
    client.post("/__mock/reset")  # one app for every example: each starts from the scenario's state
    for name in calls:
        CALLS[name](client)
    everything = journal(client)
    expected = [e for e in everything if kept(e, filters)]
    query = dict(filters, **({"limit": str(limit)} if limit else {}))
    got = client.get("/__mock/requests", query_string=query).get_json()["requests"]
    assert got == (expected[-limit:] if limit else expected)
    assert count(client, {k: (int(v) if k == "status" and v.isdigit() else v) for k, v in filters.items()}) == len(expected)
