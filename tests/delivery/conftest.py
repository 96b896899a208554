import pytest

from pytest_plugin.receiver import WebhookReceiver


@pytest.fixture
def receiver():
    with WebhookReceiver() as hook:
        yield hook
