"""The one admin client: its calls, and how it explains a refusal."""
from __future__ import annotations

import socket

import pytest
import requests

from mockserver import create_app
from mockserver.server import ThreadedServer
from mockserver.testing import AdminClient, MockAdminError
from mockserver.testing.requests_transport import InProcessAdapter


def test_calls_reach_the_mock_and_answer_its_json(live):
    client = AdminClient(live.url)
    assert client.health() == {"status": "ok"} and client.is_mock()
    [rule] = client.add_faults({"when": {"operation": "navixy.delivery.read"}, "delay_ms": 1})
    assert rule["id"] == 1 and client.faults() == [rule]
    assert client.advance_clock("20m") == [] and client.clock()["now"] == "2024-06-01T09:20:00Z"
    client.reset()
    assert client.faults() == [] and client.journal() == []


def test_a_refusal_carries_the_mocks_message_and_details(live):
    with pytest.raises(MockAdminError) as refused:
        AdminClient(live.url).load_scenario({"name": "bad", "state": {"navixy": {"users": [{"master": True}]}}})
    error = refused.value
    assert (error.method, error.path, error.status) == ("POST", "/__mock/scenarios", 422)
    assert error.details and any("hash" in d for d in error.details)
    assert str(error).startswith("POST /__mock/scenarios answered 422: ")


def test_a_mock_that_does_not_answer_is_status_0():
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client = AdminClient(url, timeout=10)
    assert not client.is_mock()
    with pytest.raises(MockAdminError, match="the mock does not answer") as failed:
        client.state()
    assert failed.value.status == 0


def test_a_server_that_is_not_a_mock_is_told_apart():
    def not_a_mock(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true}']

    with ThreadedServer(not_a_mock) as server:
        assert not AdminClient(server.url).is_mock()


def test_the_admin_token_is_sent():
    app = create_app(admin_token="s3cret")
    session = requests.Session()
    session.mount("http://127.0.0.1:9/", InProcessAdapter(app))
    assert AdminClient("http://127.0.0.1:9", "s3cret", session=session).state()["navixy"]["users"]
    with pytest.raises(MockAdminError) as refused:
        AdminClient("http://127.0.0.1:9", session=session).state()
    assert refused.value.status in (401, 403)
