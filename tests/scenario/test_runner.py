"""The step runner against a live mock, and against a target without /__mock."""
import pytest
from werkzeug.wrappers import Response

from mockserver.scenario.loader import load
from mockserver.scenario.runner import has_admin_api, run_scenario
from mockserver.server import ThreadedServer

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
CREATE = "/v2/user/session/delivery/create"
READ = "/v2/user/session/delivery/read"
STATE = {"navixy": {"users": [{"hash": MASTER}]}}


def scenario(*steps, faults=()):
    return load({"name": "t", "state": STATE, "faults": list(faults), "steps": list(steps)})


def statuses(results):
    return [(r.kind, r.status) for r in results]


def test_a_passing_scenario_with_save(live_server):
    doc = scenario(
        {"request": {"method": "POST", "path": CREATE, "json": {"hash": MASTER}},
         "expect": {"status": 200, "headers": {"content-type": {"$regex": "json"}}}, "save": {"key": "json.value", "code": "status"}},
        {"request": {"path": READ, "query": {"hash": MASTER}}, "expect": {"json": {"value": "${key}"}}},
        {"expect_state": {"navixy_user": MASTER, "delivery_session": "${key}"}},
        {"expect_state": {"match": {"navixy": {"users": [{"hash": MASTER}]}}}},
        {"advance_clock": "20m"},
        {"advance_clock": {"seconds": 60}},
        {"request": {"path": "/__mock/clock"}, "expect": {"json": {"now": {"$regex": "T09:21:00Z$|"}}}},
    )
    results = run_scenario(doc, live_server.url)
    assert all(r.passed for r in results), "\n".join(r.report() for r in results)
    assert results[0].kind == "load"
    assert results[1].saved["code"] == 200


def test_a_failing_step_shows_a_diff_and_stops_the_run(live_server):
    doc = scenario(
        {"request": {"method": "POST", "path": CREATE, "json": {"hash": MASTER}},
         "expect": {"status": 403, "json": {"success": False, "status": {"code": 101}}}},
        {"request": {"path": READ, "query": {"hash": MASTER}}},
    )
    load_result, failed, skipped = run_scenario(doc, live_server.url)
    assert load_result.passed and failed.failed and skipped.skipped
    assert failed.message == "at status: expected 403, got 200"
    assert "at json.success: expected false, got true" in failed.diff
    assert "at json.status: expected an object, got nothing (the key is absent)" in failed.diff
    assert '+    "success": true,' in failed.diff
    report = failed.report()
    assert report.startswith("FAIL    1 POST " + CREATE)
    assert "an earlier step failed" in skipped.message


def test_faults_from_the_scenario_apply(live_server):
    doc = scenario(
        {"request": {"method": "POST", "path": CREATE, "json": {"hash": MASTER}}, "expect": {"dropped": True}},
        {"request": {"method": "POST", "path": CREATE, "json": {"hash": MASTER}},
         "expect": {"status": 503, "headers": {"X-Mock-Fault": "2"}}},
        faults=[
            {"when": {"operation": "navixy.delivery.create"}, "drop_connection": True, "times": 1},
            {"when": {"operation": "navixy.delivery.create"}, "respond": {"error": 8}, "times": 1},
        ],
    )
    results = run_scenario(doc, live_server.url)
    assert all(r.passed for r in results), "\n".join(r.report() for r in results)


def test_expect_dropped_fails_when_answered(live_server):
    doc = scenario({"request": {"path": READ, "query": {"hash": MASTER}}, "expect": {"dropped": True}})
    result = run_scenario(doc, live_server.url)[-1]
    assert result.failed and "expected the connection to be dropped, got an answer 400" in result.message


def test_expect_state_misses_are_explained(live_server):
    doc = scenario({"expect_state": {"navixy_user": MASTER, "demo": True}},)
    result = run_scenario(doc, live_server.url)[-1]
    assert result.failed and result.message == f"navixy user {MASTER} does not match"
    assert "at demo: expected true, got false" in result.diff
    missing = run_scenario(scenario({"expect_state": {"dellin_subscription": 99, "state": "error"}}), live_server.url)[-1]
    assert missing.message == "there is no dellin subscription 99 in the state"


def test_save_of_a_missing_value_fails(live_server):
    doc = scenario({"request": {"path": READ, "query": {"hash": MASTER}}, "save": {"key": "json.value"}})
    result = run_scenario(doc, live_server.url)[-1]
    assert result.failed and "cannot save key: json.value is not in the response" in result.message


def test_an_unchecked_document_with_an_unsaved_name_fails_cleanly(live_server):
    doc = {"name": "raw", "steps": [{"request": {"path": READ, "query": {"hash": "${nope}"}}}]}
    result = run_scenario(doc, live_server.url, load=False)[-1]
    assert result.failed and result.message == "at steps[0].request.query.hash: ${nope} has not been saved"


def without_admin(app):
    """The mock with its admin API hidden, like a real sandbox."""

    def wsgi(environ, start_response):
        if environ["PATH_INFO"].startswith("/__mock"):
            return Response("no such thing", status=404)(environ, start_response)
        return app(environ, start_response)

    return wsgi


def test_against_a_target_without_admin_the_admin_steps_are_skipped(app):
    doc = scenario(
        {"request": {"method": "POST", "path": CREATE, "json": {"hash": MASTER}}, "expect": {"status": 200}, "save": {"key": "json.value"}},
        {"advance_clock": "1m"},
        {"expect_state": {"navixy_user": MASTER, "delivery_session": "${key}"}},
        {"request": {"path": "/__mock/requests"}},
        {"request": {"path": READ, "query": {"hash": MASTER}}, "expect": {"json": {"value": "${key}"}}},
    )
    with ThreadedServer(without_admin(app)) as server:
        assert has_admin_api(server.url) is False
        results = run_scenario(doc, server.url, admin=False)
    assert statuses(results) == [
        ("request", "passed"), ("advance_clock", "skipped"), ("expect_state", "skipped"),
        ("request", "skipped"), ("request", "passed"),
    ]
    assert results[1].message == "the target has no /__mock admin API"


def test_has_admin_api(live_server):
    assert has_admin_api(live_server.url) is True
    assert has_admin_api("http://127.0.0.1:9", timeout=1) is False


@pytest.mark.parametrize("name", ["navixy-demo", "navixy-transient-fault"])
def test_bundled_scenarios_pass(live_server, name):
    results = run_scenario(load(name), live_server.url)
    assert all(r.passed for r in results), "\n".join(r.report() for r in results)
