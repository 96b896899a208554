"""No subscription may point at the mock itself: a notification POSTed to
``/__mock/reset`` (or any admin call) would let a triggered event drive the
mock. Refused at subscribe time with the invalid-value error naming ``url``;
a seeded one that slipped in before the server bound is never sent."""
from __future__ import annotations

import pytest
import requests

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.dellin import errors as codes
from mockserver.server import ThreadedServer
from tests.contract import ContractClient

from .helpers import APPKEY, SESSION, DellinCalls, codes_of, empty_world, first_error

PORT = 48123

SELF = [
    f"http://127.0.0.1:{PORT}/__mock/reset",
    f"https://127.0.0.1:{PORT}/__mock/reset",
    f"http://localhost:{PORT}/__mock/reset",
    f"http://LOCALHOST.:{PORT}/x",
    f"http://mock.localhost:{PORT}/x",
    f"http://[::1]:{PORT}/x",
    f"http://[0:0:0:0:0:0:0:1]:{PORT}/x",
    f"http://[::ffff:127.0.0.1]:{PORT}/x",
    f"http://0.0.0.0:{PORT}/x",
    f"http://[::]:{PORT}/x",
    f"http://127.1:{PORT}/x",
    f"http://127.0.0.2:{PORT}/x",
    f"http://2130706433:{PORT}/x",
    f"http://0x7f000001:{PORT}/x",
]
ELSEWHERE = [
    f"http://127.0.0.1:{PORT + 1}/hook",
    "http://127.0.0.1/hook",
    f"http://hooks.example:{PORT}/hook",
    f"https://192.0.2.10:{PORT}/hook",
]


@pytest.fixture
def bound():
    app = create_app(scenario=empty_world(), allow_http_webhooks=True)
    runtime_of(app).listening_on("127.0.0.1", PORT)
    app.test_client_class = ContractClient
    return app, DellinCalls(app.test_client())


@pytest.mark.parametrize("url", SELF)
def test_a_url_that_leads_back_to_the_mock_is_refused_naming_url(bound, url):
    app, dellin = bound
    before = runtime_of(app).dump_state()
    answer = dellin.post("/v1/webhooks/update", url=url, orderRoles=["sender"])
    assert answer.status_code == 400
    assert codes_of(answer) == [codes.WRONG_FORMAT]
    assert first_error(answer)["fields"] == ["url"]
    assert "the mock itself" in first_error(answer)["detail"]
    assert runtime_of(app).dump_state() == before


@pytest.mark.parametrize("url", ELSEWHERE)
def test_other_ports_and_hosts_are_accepted(bound, url):
    _, dellin = bound
    assert dellin.create(url=url) > 0


def test_changing_a_subscription_s_url_to_the_mock_is_refused(bound):
    _, dellin = bound
    sub = dellin.create(url=ELSEWHERE[0])
    answer = dellin.post("/v1/webhooks/update", id=sub, url=SELF[0], orderRoles=["sender"])
    assert answer.status_code == 400
    assert dellin.subscriptions()[0]["url"] == ELSEWHERE[0]


def test_a_mock_bound_to_every_interface_refuses_its_machine_s_names(monkeypatch):
    import socket

    from mockserver import addresses

    addresses._this_machine.cache_clear()
    monkeypatch.setattr(socket, "gethostname", lambda: "ci-runner-7")
    monkeypatch.setattr(socket, "getfqdn", lambda name="": "ci-runner-7.corp.example")
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("198.51.100.7", 0))])
    try:
        own = addresses.OwnAddresses()
        own.add("0.0.0.0", PORT)
        for host in ("ci-runner-7", "ci-runner-7.corp.example", "198.51.100.7", "127.0.0.1", "localhost"):
            assert own.reaches_self(host, PORT), host
        assert not own.reaches_self("198.51.100.8", PORT)
        assert not own.reaches_self("ci-runner-7", PORT + 1)
    finally:
        addresses._this_machine.cache_clear()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.live
def test_over_a_socket_a_subscription_to_the_mock_is_refused():
    app = create_app(scenario=empty_world(), allow_http_webhooks=True)
    with ThreadedServer(app) as server:
        own = f"http://127.0.0.1:{server.port}/__mock/reset"
        body = {"appkey": APPKEY, "sessionID": SESSION, "url": own, "orderRoles": ["sender"]}
        answer = requests.post(server.url + "/v1/webhooks/update", json=body, timeout=10)
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["fields"] == ["url"]


@pytest.mark.live
def test_a_seeded_subscription_to_the_mock_is_never_sent():
    """Seeded before the server bound, so nothing could refuse it then."""
    port = _free_port()
    seeded = empty_world()
    user = seeded["state"]["dellin"]["users"][0]
    user["orders"] = [{"number": "1234567890123"}]
    user["subscriptions"] = [{"id": 1, "url": f"http://localhost:{port}/__mock/reset",
                              "orderRoles": ["sender"], "orders": ["1234567890123"]}]
    app = create_app(scenario=seeded, allow_http_webhooks=True)
    mock = runtime_of(app)
    with ThreadedServer(app, port=port) as server:
        requests.post(server.url + "/__mock/clock/advance", json={"seconds": 3600}, timeout=10)
        before = mock.clock.describe()["now"]
        ran = requests.post(server.url + "/__mock/dellin/events",
                            json={"orderNumber": "1234567890123", "eventType": "order.state.pickup"}, timeout=10)
        assert ran.status_code == 200, ran.text
        attempt = ran.json()["deliveries"][0]
        assert attempt["outcome"] == "failed" and attempt["error"] == "invalid_url"
        assert mock.clock.describe()["now"] == before  # a reset would have put the clock back
