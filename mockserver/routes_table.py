"""The modules that serve routes. Each exports ``OPERATIONS`` (its rows of the
route table) and ``blueprint()``; the app, the journal, fault matching and the
OpenAPI document all read this one list."""
from __future__ import annotations

import importlib
from functools import lru_cache

ROUTE_MODULES = (
    "mockserver.navixy.routes",
    "mockserver.dellin.routes",
    "mockserver.admin.routes",
    "mockserver.admin.faults",
    "mockserver.delivery.admin_routes",
    "mockserver.inspector.routes",
)


@lru_cache(maxsize=None)
def route_modules() -> tuple:
    return tuple(importlib.import_module(name) for name in ROUTE_MODULES)
