import pytest

from shipping_clients.dellin import DellinClient, DellinError

APPKEY = "00000000-0000-0000-0000-000000000000"
ORDER = "8216702228554"
ONE_USER = {
    "name": "one-dellin-user",
    "state": {"dellin": {
        "appkeys": [APPKEY],
        "users": [{"login": "info@info.ru", "password": "Password1", "orders": [{"number": ORDER, "roles": ["sender"]}]}],
    }},
}


@pytest.fixture
def dellin(mock, mock_intercept):
    mock.load_scenario(ONE_USER)
    client = DellinClient(APPKEY)
    client.login("info@info.ru", "Password1")
    return client


def test_subscribe_and_receive_a_notification(dellin, mock, webhook_receiver):
    sub = dellin.subscribe(webhook_receiver.url, ["sender"], ["order.state.pickup"])
    dellin.follow_orders(sub, [ORDER])
    mock.trigger_order_event(ORDER, "order.state.pickup")
    [received] = webhook_receiver.wait_for(1, timeout=5)
    assert received.json is not None
    mock.assert_delivered(times=1, subscription_id=sub, outcome="delivered")


def test_an_unknown_order_role_is_refused(dellin):
    with pytest.raises(DellinError) as error:
        dellin.subscribe("https://hooks.example/x", ["courier"])
    assert error.value.status == 400


def test_wrong_password(mock, mock_intercept):
    mock.load_scenario(ONE_USER)
    with pytest.raises(DellinError):
        DellinClient(APPKEY).login("info@info.ru", "wrong")
