"""Fixtures for the tests of ``mockserver.testing``."""
from __future__ import annotations

import pytest

from mockserver import create_app
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
