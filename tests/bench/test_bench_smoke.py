"""The in-process benchmark figures still run: tiny rounds, no timing checked.

Benchmarks are not tests; this only keeps the cheap figures from rotting
(each path answers 200, each row has its baseline and a ratio).
"""
import pytest

from bench import inprocess, reset


@pytest.fixture
def tiny_rounds(monkeypatch):
    monkeypatch.setattr(inprocess, "CALLS", 3)
    monkeypatch.setattr(inprocess, "ROUNDS", 1)
    monkeypatch.setattr(reset, "CALLS", 3)
    monkeypatch.setattr(reset, "ROUNDS", 1)


def test_in_process_figures_run_with_their_baselines(tiny_rounds):
    rows = {row["figure"]: row for row in inprocess.run()}
    assert {"in-process: interceptor (requests)", "in-process: mock_client",
            "in-process: interceptor, bare Flask app behind it", "in-process: interceptor (httpx)",
            "in-process: requests alone, an adapter that does no work"} <= set(rows)
    for row in rows.values():
        assert row["value"] > 0 and row["baseline_value"] > 0 and row["ratio"] > 0
        assert len(row["details"]["runs"]) == 1
    assert rows["in-process: interceptor (requests)"]["met"] in (True, False)
    assert rows["in-process: interceptor (httpx)"]["met"] is None  # reported, no target


def test_reset_figures_run(tiny_rounds):
    rows = reset.run()
    assert rows and all(row["value"] > 0 and row["met"] in (True, False) for row in rows)
