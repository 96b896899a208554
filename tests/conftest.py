"""Shared fixtures: a fresh app per test, and a client that holds every
response the mock sends against its JSON Schema."""
from __future__ import annotations

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.schemas import default_schemas

from .contract import ContractClient


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def runtime(app):
    return runtime_of(app)


@pytest.fixture
def client(app):
    """A Flask test client whose every response is checked against its schema."""
    app.test_client_class = ContractClient
    return app.test_client()


@pytest.fixture(scope="session")
def schemas():
    return default_schemas()


@pytest.fixture
def live_server(app):
    """The test's ``app`` on a real socket (127.0.0.1, free port); ``.url``."""
    from mockserver.server import ThreadedServer

    with ThreadedServer(app) as server:
        yield server


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 (``mockserver.testing.WebhookReceiver``)."""
    from mockserver.testing import WebhookReceiver

    with WebhookReceiver() as hook:
        yield hook
