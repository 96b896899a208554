"""The shape of one benchmark figure, as printed and as written to JSON."""
from __future__ import annotations

import statistics


class NotAvailable(Exception):
    """A figure that cannot run yet (a part of the product that does not exist)."""


def figure(name: str, value: float, unit: str, *, target: str, met: bool | None,
           baseline: str | None = None, baseline_value: float | None = None,
           ratio: float | None = None, **details) -> dict:
    """One row of the table. ``met`` is None for a figure reported without a target."""
    return {
        "figure": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_value": baseline_value,
        "ratio": ratio,
        "target": target,
        "met": met,
        "details": details,
    }


def paired_ratio(runs: list[float], baseline_runs: list[float]) -> float:
    """The median of per-round ratios: a slow moment moves one round, not the result."""
    return statistics.median(run / base for run, base in zip(runs, baseline_runs))


def best_of(function, rounds: int):
    """The best of a few rounds: noise only ever slows a run down."""
    return min(function() for _ in range(rounds))
