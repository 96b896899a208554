"""Every figure, in the order of the table: (key, title, function)."""
from __future__ import annotations

from . import reset, startup, throughput, validation

ALL = (
    ("throughput-navixy", "navixy delivery/read throughput", throughput.run_navixy),
    ("startup", "serve: start to first response", startup.run),
    ("reset", "per-test reset", reset.run),
    ("validation", "validation overhead", validation.run),
)
