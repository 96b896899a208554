import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from tests.contract import ContractClient

from .helpers import DellinCalls, empty_world


@pytest.fixture(scope="module")
def _default_app():
    return create_app()


@pytest.fixture
def app(_default_app):
    """The default scenario's app, built once per module and reset before each test
    (reset rebuilds every piece of state from the seed, as the pytest plugin does)."""
    runtime_of(_default_app).reset()
    return _default_app


@pytest.fixture
def dellin(client):
    """The default scenario, as info@info.ru (the docs' session)."""
    return DellinCalls(client)


@pytest.fixture
def empty_app():
    return create_app(scenario=empty_world())


@pytest.fixture
def empty(empty_app):
    """Two users and no subscriptions, as info@info.ru."""
    empty_app.test_client_class = ContractClient
    return DellinCalls(empty_app.test_client())
