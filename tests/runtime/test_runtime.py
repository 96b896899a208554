"""MockRuntime: a scenario that cannot be loaded changes nothing."""
import pytest

from mockserver.scenario.loader import ScenarioError

TWICE = {
    "name": "twice",
    "clock": {"start": "2030-01-01T00:00:00Z"},
    "state": {"dellin": {"users": [{"login": "a@b.ru", "password": "x"}, {"login": "a@b.ru", "password": "y"}]}},
}


def test_a_scenario_whose_state_does_not_hold_together_is_refused_whole(runtime):
    runtime.advance_clock(60)
    before = (runtime.dump_state(), runtime.clock.describe(), runtime.scenario["name"])
    with pytest.raises(ScenarioError, match=r"state\.dellin\.users\[1\]\.login"):
        runtime.load_scenario(TWICE)
    assert (runtime.dump_state(), runtime.clock.describe(), runtime.scenario["name"]) == before
    runtime.reset()  # resets still go back to the old scenario
    assert runtime.scenario["name"] == "default"
    assert runtime.clock.describe()["now"] == "2024-06-01T09:00:00Z"


def test_the_admin_api_answers_422_and_changes_nothing(client, runtime):
    before = runtime.dump_state()
    response = client.post("/__mock/scenarios", json=TWICE)
    assert response.status_code == 422
    assert "appears twice" in response.json["error"]["message"]
    assert runtime.dump_state() == before
