"""MockConfig refuses, when it is built, every setting that would make the
mock fail or misbehave later, naming the setting."""
from __future__ import annotations

import pytest

from mockserver import create_app
from mockserver.config import MockConfig

BAD = [
    ("webhook_timeout_seconds", 0),
    ("webhook_timeout_seconds", -1),
    ("webhook_timeout_seconds", float("nan")),
    ("webhook_timeout_seconds", "5"),
    ("dellin_session_ttl_seconds", 0),
    ("dellin_session_ttl_seconds", float("inf")),
    ("dellin_session_ttl_seconds", 1e12),  # past the 100-year duration limit
    ("retry_schedule_seconds", (float("nan"),)),
    ("retry_schedule_seconds", (60, float("inf"))),
    ("retry_schedule_seconds", (-60.0,)),
    ("retry_schedule_seconds", (True,)),
    ("retry_schedule_seconds", "60"),
    ("retry_delays_from", "x"),
    ("max_consecutive_failures", 0),
    ("max_consecutive_failures", 2.5),
    ("max_consecutive_failures", True),
    ("webhook_concurrency", 0),
    ("journal_size", 0),
    ("delivery_log_size", -1),
    ("max_body_bytes", 0),
    ("clock_mode", "sometimes"),
]


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_a_bad_setting_is_refused_naming_it(name, value):
    with pytest.raises(ValueError, match=name):
        MockConfig(**{name: value})
    with pytest.raises(ValueError, match=name):
        MockConfig().with_overrides(**{name: value})
    with pytest.raises(ValueError, match=name):
        create_app(**{name: value})


def test_every_problem_is_named_at_once():
    with pytest.raises(ValueError) as caught:
        MockConfig(webhook_timeout_seconds=0, webhook_concurrency=0)
    assert "webhook_timeout_seconds" in str(caught.value) and "webhook_concurrency" in str(caught.value)


def test_edge_values_that_work_are_accepted():
    config = MockConfig(
        webhook_timeout_seconds=0.001,
        retry_schedule_seconds=[0, 0.5, 100 * 365 * 86400],
        retry_delays_from="first_attempt",
        max_consecutive_failures=1,
        webhook_concurrency=1,
        clock_mode="real",
    )
    assert config.retry_schedule_seconds[0] == 0
    assert MockConfig(retry_schedule_seconds=()).retry_schedule_seconds == ()
