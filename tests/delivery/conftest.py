import pytest

from mockserver.testing import WebhookReceiver


@pytest.fixture
def receiver():
    with WebhookReceiver() as hook:
        yield hook
