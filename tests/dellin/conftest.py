import pytest

from mockserver import create_app
from tests.contract import ContractClient

from .helpers import DellinCalls, empty_world


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
