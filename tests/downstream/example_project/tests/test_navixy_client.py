import pytest

from shipping_clients import navixy

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def test_create_then_read(mock_intercept, mock):
    key = navixy.create_delivery_session(MASTER)
    assert navixy.current_delivery_session(MASTER) == key
    mock.assert_called("navixy.delivery.create", times=1, json={"hash": MASTER})


def test_no_session_yet(mock_intercept):
    with pytest.raises(navixy.NavixyError) as error:
        navixy.current_delivery_session(MASTER)
    assert error.value.code == 201


@pytest.mark.mock_scenario("navixy-tariff")
def test_tariff_without_delivery(mock_intercept, mock):
    api_hash = mock.state()["navixy"]["users"][0]["hash"]
    with pytest.raises(navixy.NavixyError) as error:
        navixy.create_delivery_session(api_hash)
    assert error.value.code == 236


def test_against_the_live_socket(mock):
    # the client also takes a base URL: here the mock's real socket
    assert navixy.create_delivery_session(MASTER, base_url=mock.navixy_url)
