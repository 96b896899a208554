"""Chaos: fault rules that fire at random, delays drawn from a range or a
distribution, and receivers that get duplicated or held-back deliveries.
Every random choice comes from one generator seeded by the scenario, the
config or the plugin's marker, so the same seed and the same calls give the
same faults."""
from __future__ import annotations

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.faults import apply as fault_apply

from ..delivery.helpers import ORDER, advance, log_of, make_app, subscription, trigger

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
READ = "/v2/user/session/delivery/read"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Delays are recorded, not waited for."""
    waited = []
    monkeypatch.setattr(fault_apply, "sleep", waited.append)
    return waited


def _chaotic(scenario_seed=None, *rules, **config):
    scenario = {"name": "chaos", "faults": list(rules)}
    if scenario_seed is not None:
        scenario["seed"] = scenario_seed
    return create_app(scenario=scenario, **config)


def _fault_sequence(app, calls=60) -> list:
    """What each of ``calls`` identical calls met: the fired rules' ids and drawn delays."""
    client = app.test_client()
    for _ in range(calls):
        client.post(READ, json={"hash": MASTER})
    journal = client.get("/__mock/requests").get_json()["requests"]
    return [tuple((f["id"], f.get("delay_ms")) for f in call["faults"]) for call in journal]


COIN = {"when": {"operation": "navixy.delivery.read"}, "respond": {"error": 8}, "probability": 0.5}


def test_the_same_seed_and_calls_give_the_same_faults():
    first = _fault_sequence(_chaotic(42, COIN))
    assert first == _fault_sequence(_chaotic(42, COIN))
    fired = sum(1 for call in first if call)
    assert 0 < fired < len(first)  # a coin, not a constant


def test_another_seed_gives_another_sequence():
    assert _fault_sequence(_chaotic(1, COIN)) != _fault_sequence(_chaotic(2, COIN))


def test_a_reset_replays_the_sequence():
    app = _chaotic(7, COIN)
    first = _fault_sequence(app)
    runtime_of(app).reset()
    assert _fault_sequence(app) == first


def test_the_config_seed_overrides_the_scenarios():
    assert _fault_sequence(_chaotic(1, COIN, seed=5)) == _fault_sequence(_chaotic(2, COIN, seed=5))


def test_without_a_seed_the_generator_seed_is_shown_so_a_run_can_be_replayed():
    app = _chaotic(None, COIN)
    seed = app.test_client().get("/__mock/faults").get_json()["seed"]
    assert isinstance(seed, int)
    assert _fault_sequence(app) == _fault_sequence(_chaotic(seed, COIN))


def test_a_rule_that_does_not_fire_lets_the_next_rule_match():
    never = {**COIN, "probability": 0.000001}
    always = {"when": {"operation": "navixy.delivery.read"}, "respond": {"error": 14}}
    app = _chaotic(3, never, always)
    answer = app.test_client().post(READ, json={"hash": MASTER})
    assert answer.get_json()["status"]["code"] == 14


def test_a_delay_range_draws_within_it_and_replays(no_waiting):
    rule = {"when": {"operation": "navixy.delivery.read"}, "delay_ms": {"min": 100, "max": 900}}
    first = _fault_sequence(_chaotic(11, rule), calls=30)
    delays = [call[0][1] for call in first]
    assert all(100 <= d <= 900 for d in delays)
    assert len(set(delays)) > 1
    assert no_waiting[:30] == [d / 1000 for d in delays]
    assert _fault_sequence(_chaotic(11, rule), calls=30) == first


def test_a_lognormal_delay_stays_under_the_delay_limit():
    rule = {"when": {"operation": "navixy.delivery.read"}, "delay_ms": {"lognormal": {"median": 200, "sigma": 3}}}
    delays = [call[0][1] for call in _fault_sequence(_chaotic(5, rule), calls=40)]
    assert all(0 <= d <= 120_000 for d in delays)
    assert sorted(delays)[20] < 2000  # around the median, far below the limit


@pytest.mark.parametrize("rule, message", [
    ({**COIN, "probability": 0}, "probability"),
    ({**COIN, "probability": 1.5}, "probability"),
    ({"when": {"operation": "navixy.delivery.read"}, "delay_ms": {"min": 500, "max": 100}}, "min"),
    ({"when": {"operation": "navixy.delivery.read"}, "delay_ms": {"lognormal": {"median": 0, "sigma": 1}}}, "median"),
    ({"webhook": {"url": "https://hooks.example/x", "duplicate": True, "fail": 2}}, "duplicate"),
    ({"webhook": {"url": "https://hooks.example/x", "hold": "0s"}}, "hold"),
])
def test_chaos_rules_that_cannot_work_are_refused(rule, message):
    answer = create_app().test_client().post("/__mock/faults", json=rule)
    assert answer.status_code == 422, answer.get_json()
    assert message in str(answer.get_json())


def test_the_seed_must_be_a_whole_number():
    answer = create_app().test_client().post("/__mock/scenarios", json={"name": "x", "seed": "abc"})
    assert answer.status_code == 422


# ---------------------------------------------------------------- receivers
def test_a_duplicate_rule_sends_the_same_notification_twice(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    client.post("/__mock/faults", json={"webhook": {"url": receiver.url, "duplicate": True}, "times": 1})
    entries = trigger(client)
    receiver.wait_for(2, timeout=10)
    ids = [hit.json["id"] for hit in receiver.received]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert [e["outcome"] for e in entries] == ["delivered", "delivered"]
    assert entries[0]["fault"] is None and entries[1]["fault"] == 1
    assert entries[1]["duplicate"] is True
    assert runtime.store.dellin.subscriptions[2].state == "enabled"


def test_a_hold_rule_lets_a_later_notification_overtake(receiver):
    app, runtime, client = make_app(subscription(2, receiver.url))
    client.post("/__mock/faults", json={"webhook": {"url": receiver.url, "hold": "5m"}, "times": 1})
    assert trigger(client, event="order.state.pickup") == []  # held back
    pending = log_of(client)["pending"]
    assert len(pending) == 1 and pending[0]["attempt"] == 1
    trigger(client, event="order.state.completed")
    receiver.wait_for(1, timeout=10)
    ran = advance(client, by="5m")
    receiver.wait_for(2, timeout=10)
    assert [hit.json["eventType"] for hit in receiver.received] == ["order.state.completed", "order.state.pickup"]
    assert ran[0]["fault"] == 1 and ran[0]["attempt"] == 1 and ran[0]["outcome"] == "delivered"


def test_held_deliveries_replay_with_the_seed(receiver):
    first = _held_due_times(receiver, 9)
    assert first == _held_due_times(receiver, 9)
    assert 0 < len(first) < 12


def _held_due_times(receiver, seed):
    app, runtime, client = make_app(subscription(2, receiver.url), seed=seed)
    client.post("/__mock/faults", json={"webhook": {"url": receiver.url, "hold": "1h"}, "probability": 0.5})
    for _ in range(12):
        trigger(client)
    return [p["due"] for p in log_of(client)["pending"]]


# ---------------------------------------------------------------- every way to set the seed
def test_a_reset_with_a_seed_reseeds():
    app = _chaotic(None, COIN)
    client = app.test_client()
    assert client.post("/__mock/reset", json={"seed": 4}).status_code == 200
    assert client.get("/__mock/faults").get_json()["seed"] == 4
    assert _fault_sequence(app) == _fault_sequence(_chaotic(4, COIN))


def test_a_reset_seed_must_be_a_whole_number():
    answer = create_app().test_client().post("/__mock/reset", json={"seed": -1})
    assert answer.status_code == 422


@pytest.mark.live
def test_serve_takes_a_seed():
    import requests

    from ..processes import ServeProcess

    served = ServeProcess("--seed", "12345", "--quiet")
    try:
        assert requests.get(served.url + "/__mock/faults", timeout=30).json()["seed"] == 12345
    finally:
        served.stop()


def test_serve_refuses_a_seed_that_is_not_a_number():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--seed", "abc"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "'abc' is not a whole number" in done.stderr


def test_the_plugins_marker_seeds_mock_and_mock_app(pytester):
    pytester.makepyfile(test_seeded="""
        import pytest
        import requests

        COIN = {"when": {"operation": "navixy.delivery.read"}, "respond": {"error": 8}, "probability": 0.5}
        SEEN = []


        def sequence(post):
            return [post({"hash": "22eac1c27af4be7b9d04da2ce1af111b"}) for _ in range(40)]


        @pytest.mark.mock_scenario("default", seed=21)
        def test_first(mock):
            mock.add_fault(**COIN)
            SEEN.append(sequence(lambda body: requests.post(mock.navixy_url + "/user/session/delivery/read", json=body).status_code))


        @pytest.mark.mock_scenario(seed=21)
        def test_second(mock):
            mock.add_fault(**COIN)
            SEEN.append(sequence(lambda body: requests.post(mock.navixy_url + "/user/session/delivery/read", json=body).status_code))


        @pytest.mark.mock_scenario(seed=21)
        def test_in_process(mock_client):
            mock_client.post("/__mock/faults", json=COIN)
            SEEN.append(sequence(lambda body: mock_client.post("/v2/user/session/delivery/read", json=body).status_code))


        def test_all_three_met_the_same_faults():
            assert len(SEEN) == 3 and SEEN[0] == SEEN[1] == SEEN[2]
            assert 503 in SEEN[0] and 400 in SEEN[0]
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4)
