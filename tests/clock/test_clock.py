from datetime import datetime, timedelta, timezone

import pytest

from mockserver.clock import Clock, dellin_timestamp, iso, parse_duration

START = datetime(2024, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, seconds",
    [(90, 90), (1.5, 1.5), ("90", 90), ("90s", 90), ("20m", 1200), ("3h", 10800), ("1h30m", 5400),
     ("1d", 86400), ("250ms", 0.25), (" 4h ", 14400)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "m", "20x", "-5", -1, True, None, "1h 30", float("nan"), [1]])
def test_parse_duration_refuses(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_virtual_clock_moves_only_when_told():
    clock = Clock(START)
    assert clock.now() == START
    clock.advance(60)
    assert clock.now() == START + timedelta(minutes=1)
    clock.move_to(START)  # never backwards
    assert clock.now() == START + timedelta(minutes=1)


def test_restart_goes_back_to_the_start():
    clock = Clock(START)
    clock.advance(3600)
    clock.restart(START)
    assert clock.now() == START


def test_real_clock_follows_the_wall_and_can_be_advanced():
    clock = Clock(START, mode="real")
    first = clock.now()
    assert abs((first - START).total_seconds()) < 5
    clock.advance(3600)
    assert clock.now() - first >= timedelta(seconds=3600)


def test_formats():
    assert iso(START) == "2024-06-01T09:00:00Z"
    assert dellin_timestamp(START) == "2024-06-01 09:00:00"
    assert Clock(START).describe() == {"now": "2024-06-01T09:00:00Z", "mode": "virtual"}


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        Clock(START, mode="sideways")
