"""Fixtures for the tests of ``mockserver.testing``."""
from __future__ import annotations

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.testing import start_local


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def live():
    """A mock on a socket (the plugin's server, which closes client connections on stop)."""
    server = start_local("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture(params=["in_process", "external"])
def routed(request):
    """(the mock's runtime, what the interceptor routes to): the app itself, or a live mock's URL."""
    if request.param == "in_process":
        app = create_app()
        yield runtime_of(app), app
        return
    server = request.getfixturevalue("live")
    yield runtime_of(server.app), server.url
