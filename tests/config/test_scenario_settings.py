"""A scenario's ``settings`` map onto MockConfig: the same names, the config's own checks."""
from dataclasses import fields

import pytest

from mockserver.config import SCENARIO_SETTINGS, BadSettings, MockConfig
from mockserver.schemas import default_schemas


def test_the_schema_offers_exactly_the_scenario_settings_each_a_config_field():
    offered = default_schemas().documents["scenario.schema.json"]["properties"]["settings"]["properties"]
    assert set(offered) == set(SCENARIO_SETTINGS)
    assert set(SCENARIO_SETTINGS) <= {f.name for f in fields(MockConfig)}


def test_settings_go_over_the_config_and_leave_the_rest_as_it_was():
    config = MockConfig(webhook_timeout_seconds=30, max_consecutive_failures=9, allow_http_webhooks=True)
    applied = config.with_scenario_settings({
        "retry_delays_from": "first_attempt",
        "error_subscriptions_receive_new_events": False,
        "retry_schedule_seconds": [1, 2],
    })
    assert applied.retry_delays_from == "first_attempt"
    assert applied.error_subscriptions_receive_new_events is False
    assert applied.retry_schedule_seconds == (1, 2)  # a tuple, as the config's own
    assert (applied.webhook_timeout_seconds, applied.max_consecutive_failures, applied.allow_http_webhooks) == (30, 9, True)


@pytest.mark.parametrize("settings", [None, {}])
def test_no_settings_is_the_config_itself(settings):
    config = MockConfig(retry_delays_from="first_attempt")
    assert config.with_scenario_settings(settings) == config


@pytest.mark.parametrize("settings, words", [
    ({"webhook_timeout_seconds": 0}, "webhook_timeout_seconds must be a number of seconds"),
    ({"error_subscriptions_receive_new_events": "no"}, "error_subscriptions_receive_new_events must be true or false"),
    ({"allow_http_webhooks": True}, "allow_http_webhooks is not a scenario setting"),
])
def test_bad_settings_are_refused_by_name(settings, words):
    with pytest.raises(BadSettings) as caught:
        MockConfig().with_scenario_settings(settings)
    assert any(words in problem for problem in caught.value.problems), caught.value.problems
