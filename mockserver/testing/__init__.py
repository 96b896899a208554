"""Testing against the mock from Python code, with or without pytest.

- ``intercept(app_or_url)``: route ``requests``/``httpx`` calls to the real
  Navixy and Dellin base URLs to a mock (``Interceptor``);
- ``WebhookReceiver``: a local HTTP(S) server that collects notifications
  and fails, redirects or answers late on demand;
- ``AdminClient``: the mock's admin API (``MockAdminError`` when refused);
- ``Mock``: a handle for a test (admin calls, scenarios, ``assert_called``,
  ``assert_delivered``), on a ``MockServer`` from ``start_local`` or
  ``connect_external``;
- ``matches``, ``mismatches`` and ``diff``: the JSON subset matcher that
  scenario steps and fault rules use.

The pytest plugin's fixtures are a thin layer over these. Names are loaded on
first use, so importing this package costs nothing until one is used.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "intercept": "interceptor",
    "Interceptor": "interceptor",
    "HOSTS": "hosts",
    "WebhookReceiver": "receiver",
    "Received": "receiver",
    "AdminClient": "admin",
    "MockAdminError": "admin",
    "Mock": "mock",
    "Record": "assertions",
    "MockServer": "server",
    "MockServerError": "server",
    "start_local": "server",
    "connect_external": "server",
    "InProcessAdapter": "requests_transport",
}
_MATCHER = ("matches", "mismatches", "diff")

__all__ = sorted([*_EXPORTS, *_MATCHER])


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
    elif name in _MATCHER:
        module = importlib.import_module("..scenario.matcher", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
