"""Fault rules through the test client and over a live server: every action,
times, ordering, the journal and the runtime admin API."""
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.faults import apply as fault_apply
from mockserver.faults.apply import ConnectionDropped

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
CREATE = "/v2/user/session/delivery/create"
READ = "/v2/user/session/delivery/read"
DELLIN_LOGIN = "/v3/auth/login.json"
APPKEY = "00000000-0000-0000-0000-000000000000"


def add(client, rule):
    answer = client.post("/__mock/faults", json=rule)
    assert answer.status_code == 201, answer.json
    return answer.json["faults"][0]["id"]


@pytest.fixture
def sleeps(monkeypatch):
    """The delay action's waits, recorded instead of slept."""
    calls = []
    monkeypatch.setattr(fault_apply, "sleep", calls.append)
    return calls


@pytest.mark.parametrize("code, status", [(101, 403), (236, 402), (6, 500), (8, 503), (15, 429), (13, 403)])
def test_navixy_error_in_its_envelope_and_documented_status(client, code, status):
    rule = add(client, {"when": {"operation": "navixy.delivery.create"}, "respond": {"error": code}})
    answer = client.post(CREATE, json={"hash": MASTER})
    assert answer.status_code == status
    assert answer.json["success"] is False and answer.json["status"]["code"] == code
    assert answer.headers["X-Mock-Fault"] == str(rule)


def test_dellin_error_in_its_envelope(client):
    rule = add(client, {"when": {"operation": "dellin.auth.login"}, "respond": {"error": 100006}})
    answer = client.post(DELLIN_LOGIN, json={"appkey": APPKEY, "login": "info@info.ru", "password": "Password1"})
    assert answer.status_code == 500
    assert answer.json["errors"][0]["code"] == 100006
    assert answer.json["metadata"]["status"] == 500
    assert answer.headers["X-Mock-Fault"] == str(rule)


def test_a_fault_is_recorded_in_the_journal(client):
    rule = add(client, {"when": {"api": "navixy"}, "respond": {"error": 8}, "times": 1})
    client.post(CREATE, json={"hash": MASTER})
    client.post(CREATE, json={"hash": MASTER})
    entries = client.get("/__mock/requests").json["requests"]
    assert [e["faults"] for e in entries] == [[{"id": rule, "action": "error"}], []]
    assert [e["response"]["status"] for e in entries] == [503, 200]


def test_times_limits_and_rules_apply_in_order(client):
    first = add(client, {"when": {"operation": "navixy.delivery.create"}, "respond": {"error": 236}, "times": 2})
    second = add(client, {"when": {"api": "navixy"}, "respond": {"error": 15}, "times": 1})
    codes = [client.post(CREATE, json={"hash": MASTER}).json.get("status", {}).get("code") for _ in range(4)]
    assert codes == [236, 236, 15, None]
    listed = {r["id"]: r["fired"] for r in client.get("/__mock/faults").json["faults"]}
    assert listed == {first: 2, second: 1}


@pytest.mark.parametrize(
    "when, hits",
    [
        ({"method": "GET"}, [False, True]),
        ({"method": ["post", "PUT"]}, [True, False]),
        ({"path": READ}, [False, True]),
        ({"path": {"$regex": "/create$"}}, [True, False]),
        ({"body": {"hash": MASTER}}, [True, False]),
        ({"body": {"hash": {"$regex": "^22"}}}, [True, False]),
        ({"query": {"hash": {"$type": "string"}}}, [False, True]),
        ({"api": "dellin"}, [False, False]),
    ],
)
def test_matching_on_method_path_query_and_body(client, when, hits):
    api = when.get("api", "navixy")
    add(client, {"when": {"api": api, **when}, "respond": {"error": 11 if api == "navixy" else 100006}})
    post = client.post(CREATE, json={"hash": MASTER})
    get = client.get(READ, query_string={"hash": MASTER})
    assert [post.json.get("status", {}).get("code") == 11, get.json.get("status", {}).get("code") == 11] == hits


def test_body_matching_reads_forms_too(client):
    add(client, {"when": {"api": "navixy", "body": {"hash": MASTER}}, "respond": {"error": 11}})
    assert client.post(CREATE, data={"hash": MASTER}).json["status"]["code"] == 11


def test_an_unreadable_body_does_not_match_a_body_rule(client):
    add(client, {"when": {"api": "navixy", "body": {"hash": MASTER}}, "respond": {"error": 11}})
    answer = client.post(CREATE, data=b"{not json", content_type="application/json")
    assert answer.json["status"]["code"] == 5  # the call's own answer, not the fault


def test_admin_calls_are_never_faulted(client):
    add(client, {"when": {"path": {"$regex": "."}, "api": "navixy"}, "respond": {"error": 6}})
    add(client, {"when": {"method": "GET"}, "drop_connection": True})
    assert client.get("/__mock/health").json == {"status": "ok"}


def test_delay_then_the_call_proceeds(client, sleeps):
    rule = add(client, {"when": {"operation": "navixy.delivery.read"}, "delay_ms": 1500})
    answer = client.get(READ, query_string={"hash": "66666666666666666666666666666666"})
    assert answer.status_code == 200 and answer.json["value"] == "0123456789abcdef0123456789abcdef"
    assert "X-Mock-Fault" not in answer.headers
    assert sleeps == [1.5]
    journal = client.get("/__mock/requests").json["requests"]
    assert journal[-1]["faults"] == [{"id": rule, "action": "delay", "delay_ms": 1500}]


def test_delay_with_an_error(client, sleeps):
    add(client, {"when": {"operation": "navixy.delivery.create"}, "delay_ms": 200, "respond": {"error": 8}})
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 503
    assert sleeps == [0.2]


def test_drop_connection_under_the_test_client(client):
    rule = add(client, {"when": {"operation": "navixy.delivery.create"}, "drop_connection": True, "times": 1})
    with pytest.raises(ConnectionDropped):
        client.post(CREATE, json={"hash": MASTER})
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 200
    journal = client.get("/__mock/requests").json["requests"]
    assert journal[0]["faults"] == [{"id": rule, "action": "drop_connection"}]
    assert journal[0]["response"]["status"] == 444


def test_raw_status_and_text_body(app):
    client = app.test_client()  # a raw body breaks the contract on purpose
    client.post("/__mock/faults", json={"when": {"operation": "dellin.webhooks.update"}, "respond": {"status": 503, "body": "upstream down"}})
    answer = client.post("/v1/webhooks/update", json={})
    assert answer.status_code == 503
    assert answer.get_data(as_text=True) == "upstream down"
    assert answer.mimetype == "text/plain"
    assert answer.headers["X-Mock-Fault"] == "1"


def test_raw_status_with_a_json_body_and_headers(app):
    client = app.test_client()
    client.post("/__mock/faults", json={"when": {"api": "navixy"}, "respond": {"status": 429, "body": {"slow": "down"}, "headers": {"Retry-After": "3"}}})
    answer = client.get(READ)
    assert (answer.status_code, answer.json, answer.headers["Retry-After"]) == (429, {"slow": "down"}, "3")


# ------------------------------------------------------------------ live server
def test_live_error_and_raw(live_server, runtime):
    runtime.faults.add({"when": {"operation": "navixy.delivery.create"}, "respond": {"error": 101}, "times": 1})
    runtime.faults.add({"when": {"operation": "navixy.delivery.create"}, "respond": {"status": 502, "body": "bad gateway"}, "times": 1})
    first = requests.post(live_server.url + CREATE, json={"hash": MASTER}, timeout=5)
    assert (first.status_code, first.json()["status"]["code"], first.headers["X-Mock-Fault"]) == (403, 101, "1")
    second = requests.post(live_server.url + CREATE, json={"hash": MASTER}, timeout=5)
    assert (second.status_code, second.text, second.headers["X-Mock-Fault"]) == (502, "bad gateway", "2")
    assert requests.post(live_server.url + CREATE, json={"hash": MASTER}, timeout=5).status_code == 200


def test_live_drop_connection_closes_without_an_answer(live_server, runtime):
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "drop_connection": True, "times": 1})
    with requests.Session() as session:
        with pytest.raises(requests.ConnectionError):
            session.get(live_server.url + READ, params={"hash": MASTER}, timeout=5)
        # the server carries on: the next call is answered
        assert session.get(live_server.url + READ, params={"hash": MASTER}, timeout=5).status_code == 400
    assert runtime.journal.entries()[0]["faults"][0]["action"] == "drop_connection"


def test_live_delay(live_server, runtime, sleeps):
    runtime.faults.add({"when": {"operation": "navixy.delivery.read"}, "delay_ms": 2500})
    answer = requests.get(live_server.url + READ, params={"hash": "66666666666666666666666666666666"}, timeout=5)
    assert answer.status_code == 200 and sleeps == [2.5]


# ------------------------------------------------------------------ admin API
def test_admin_add_list_clear(client):
    answer = client.post("/__mock/faults", json={"faults": [
        {"when": {"api": "navixy"}, "respond": {"error": 6}},
        {"webhook": {"url": "https://hooks.example/x", "fail": 2}},
    ]})
    assert answer.status_code == 201
    assert [r["id"] for r in answer.json["faults"]] == [1, 2]
    listed = client.get("/__mock/faults").json["faults"]
    assert listed[1] == {"id": 2, "webhook": {"url": "https://hooks.example/x", "fail": 2}, "fired": 0}
    seed = client.get("/__mock/faults").json["seed"]
    assert client.delete("/__mock/faults").json == {"seed": seed, "faults": []}
    assert client.get("/__mock/faults").json == {"seed": seed, "faults": []}
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 200


def test_admin_refuses_bad_rules_and_adds_none(client):
    answer = client.post("/__mock/faults", json={"faults": [
        {"when": {"api": "navixy"}, "respond": {"error": 6}},
        {"when": {"operation": "navixy.delivery.destroy"}, "respond": {"error": 6}},
    ]})
    assert answer.status_code == 422
    assert answer.json["error"]["details"][0]["path"] == "faults[1].when.operation"
    assert client.get("/__mock/faults").json["faults"] == []


@pytest.mark.parametrize(
    "rule, path",
    [
        ({"when": {"api": "navixy"}, "respond": {"error": 1234}}, "respond.error"),
        ({"when": {"api": "navixy"}, "respond": {"status": 99}}, "respond.status"),
        ({"when": {"api": "soap"}, "respond": {"status": 500}}, "when.api"),
        ({"when": {"api": "navixy"}, "respond": {}}, "respond"),
        ({"when": {"api": "navixy"}, "respond": {"error": 6, "status": 500}}, "respond"),
        ({"when": {"api": "navixy"}, "respond": {"error": 15}, "rate_limit": {"calls": 1, "per": "soon"}},
         "rate_limit.per"),
        ({"when": {"api": "navixy"}, "respond": {"error": 15}, "rate_limit": {"calls": 1, "per": "0s"}},
         "rate_limit.per"),
        ({"when": {"api": "navixy"}, "respond": {"error": 15}, "rate_limit": {"calls": 0, "per": 60}},
         "rate_limit.calls"),
        ({"webhook": {"url": "https://h.example/a"}, "rate_limit": {"calls": 1, "per": 60}}, ""),
    ],
)
def test_admin_names_the_place_in_a_single_rule(client, rule, path):
    answer = client.post("/__mock/faults", json=rule)
    assert answer.status_code == 422
    assert answer.json["error"]["details"][0]["path"] == path


def test_reset_restores_the_scenario_faults(client, runtime):
    runtime.load_scenario("navixy-transient-fault")
    client.post("/__mock/faults", json={"when": {"api": "dellin"}, "respond": {"error": 100006}})
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 402
    client.post("/__mock/reset")
    assert [r["fired"] for r in client.get("/__mock/faults").json["faults"]] == [0]
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 402


def test_webhook_failure_contract_is_kept(runtime):
    runtime.faults.add({"webhook": {"url": "https://h.example/a", "fail": 2, "status": 503}})
    runtime.faults.add({"webhook": {"url": "https://h.example/b", "timeout": True}})
    a = [runtime.faults.webhook_failure("https://h.example/a") for _ in range(3)]
    assert a == [{"status": 503, "fault": 1}, {"status": 503, "fault": 1}, None]
    assert runtime.faults.webhook_failure("https://h.example/b") == {"timeout": True, "fault": 2}
    assert runtime.faults.webhook_failure("https://h.example/c") is None


def test_rate_limit_lets_calls_through_per_window_on_the_mock_clock(client, runtime):
    rule = add(client, {"when": {"api": "navixy"}, "rate_limit": {"calls": 2, "per": "1m"}, "respond": {"error": 15}})
    assert [client.post(READ, json={"hash": MASTER}).json["status"]["code"] for _ in range(2)] == [201, 201]
    codes = [client.post(READ, json={"hash": MASTER}).json["status"]["code"] for _ in range(2)]
    assert codes == [15, 15]  # over the limit: refused, and refusals do not count
    runtime.advance_clock(59)
    assert client.post(READ, json={"hash": MASTER}).status_code == 429
    runtime.advance_clock(1)  # the first two calls have left the window
    assert client.post(READ, json={"hash": MASTER}).json["status"]["code"] == 201  # through to the mock: no session
    assert client.post(READ, json={"hash": MASTER}).json["status"]["code"] == 201
    refused = client.post(READ, json={"hash": MASTER})
    assert refused.status_code == 429 and refused.headers["X-Mock-Fault"] == str(rule)
    assert client.get("/__mock/faults").json["faults"][0]["fired"] == 4
    journal = client.get("/__mock/requests").json["requests"]
    assert [bool(e["faults"]) for e in journal] == [False, False, True, True, True, False, False, True]


def test_rate_limit_counts_only_matching_calls_and_other_rules_still_apply(client):
    add(client, {"when": {"operation": "navixy.delivery.create"}, "rate_limit": {"calls": 1, "per": 60},
                 "respond": {"error": 15}})
    add(client, {"when": {"operation": "navixy.delivery.read"}, "respond": {"error": 8}})
    assert client.post(READ, json={"hash": MASTER}).json["status"]["code"] == 8
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 200
    assert client.post(READ, json={"hash": MASTER}).json["status"]["code"] == 8
    assert client.post(CREATE, json={"hash": MASTER}).json["status"]["code"] == 15


def test_rate_limit_window_starts_empty_after_a_reset(client, runtime):
    runtime.load_scenario("navixy-rate-limit")
    for _ in range(3):
        assert client.post(READ, json={"hash": MASTER}).status_code == 200
    assert client.post(READ, json={"hash": MASTER}).status_code == 429
    client.post("/__mock/reset")
    assert client.post(READ, json={"hash": MASTER}).status_code == 200


@settings(max_examples=200, deadline=None)
@given(
    calls=st.integers(1, 4),
    per=st.integers(1, 120),
    steps=st.lists(st.tuples(st.integers(0, 90), st.booleans()), max_size=40),
)
def test_rate_limit_agrees_with_a_sliding_window_model(calls, per, steps):
    """A call is let through iff fewer than ``calls`` let-through calls fall in the last ``per`` seconds."""
    from datetime import datetime, timedelta, timezone

    from mockserver.faults.rules import Call, FaultRules

    rules = FaultRules([{"when": {"api": "navixy"}, "rate_limit": {"calls": calls, "per": per}, "respond": {"error": 15}}])
    now = datetime(2024, 6, 1, 9, tzinfo=timezone.utc)
    passed: list[datetime] = []  # the model: times of the calls let through
    for wait, matching in steps:
        now += timedelta(seconds=wait)
        fired = rules.request_fault(Call(api="navixy" if matching else "dellin", operation=None, method="POST",
                                         path="/v2/x", at=now))
        if not matching:
            assert fired is None  # other calls neither fire the rule nor count
            continue
        recent = [t for t in passed if t > now - timedelta(seconds=per)]
        expected_refused = len(recent) >= calls
        assert (fired is not None) == expected_refused
        if not expected_refused:
            passed.append(now)
