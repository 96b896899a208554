"""Every figure, in the order of the table: (key, title, function)."""
from __future__ import annotations

from . import (inprocess, memory, orders_scale, peers, pytest_suites, reset, retries, serve_features, startup,
               throughput, validation)

ALL = (
    ("throughput-navixy", "navixy delivery/read throughput", throughput.run_navixy),
    ("throughput-dellin", "dellin /v1/webhooks (list) throughput", throughput.run_dellin),
    ("peers", "WireMock and Prism on the same request", peers.run),
    ("tls", "serve --tls against plain HTTP", serve_features.run_tls),
    ("slow-clients", "a new client with 200 idle/slow connections open", serve_features.run_slow_clients),
    ("inprocess", "in-process calls vs the live socket", inprocess.run),
    ("startup", "serve: start to first response", startup.run),
    ("reset", "per-test reset", reset.run),
    ("validation", "validation overhead", validation.run),
    ("orders", "orders page and check, 1,000 vs 100,000", orders_scale.run),
    ("retries", "1,000 failing subscriptions, 3,000 retries", retries.run),
    ("memory", "memory with 1,000,000 order numbers", memory.run),
    ("pytest", "500 trivial tests: mock vs responses and pytest-httpserver", pytest_suites.run),
)
