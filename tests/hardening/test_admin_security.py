"""Admin security: loopback by default, a token for anything else, compared in
constant time, and never asked of the mocked APIs."""
from __future__ import annotations

import pytest

from mockserver import create_app
from mockserver.cli import build_parser, main
from mockserver.apis import ADMIN_TOKEN_HEADER
from mockserver.security import token_matches
from mockserver.server import is_loopback

from ..contract import ContractClient

TOKEN = "s3cret-token"
MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


@pytest.fixture
def guarded():
    app = create_app(admin_token=TOKEN)
    app.test_client_class = ContractClient
    return app.test_client()


@pytest.mark.parametrize("path", ["/__mock/health", "/__mock/state", "/__mock/openapi.json", "/__mock/no-such-call"])
@pytest.mark.parametrize("header", [None, "", "wrong", TOKEN + "x", TOKEN[:-1]])
def test_every_admin_call_without_the_right_token_is_401_in_the_admin_envelope(guarded, path, header):
    headers = {} if header is None else {ADMIN_TOKEN_HEADER: header}
    response = guarded.get(path, headers=headers)
    assert response.status_code == 401
    assert ADMIN_TOKEN_HEADER in response.get_json()["error"]["message"]


def test_a_refused_admin_call_changes_nothing(guarded):
    before = guarded.get("/__mock/state", headers={ADMIN_TOKEN_HEADER: TOKEN}).get_json()
    assert guarded.put("/__mock/state", json={"navixy": {"users": []}}).status_code == 401
    assert guarded.post("/__mock/reset").status_code == 401
    assert guarded.get("/__mock/state", headers={ADMIN_TOKEN_HEADER: TOKEN}).get_json() == before


def test_the_right_token_opens_every_admin_call(guarded):
    headers = {ADMIN_TOKEN_HEADER: TOKEN}
    assert guarded.get("/__mock/health", headers=headers).get_json() == {"status": "ok"}
    assert guarded.post("/__mock/clock/advance", json={"seconds": 5}, headers=headers).status_code == 200
    assert guarded.get("/__mock/openapi.json", headers=headers).status_code == 200


def test_the_mocked_apis_need_no_token(guarded):
    response = guarded.post("/v2/user/session/delivery/create", json={"hash": MASTER})
    assert response.status_code == 200
    # an unknown Navixy path stays a Navixy 404, not an admin 401
    assert guarded.get("/v2/nope").get_json()["status"]["code"] == 111


def test_without_a_token_configured_the_admin_api_is_open(client):
    assert client.get("/__mock/health").status_code == 200


def test_tokens_are_compared_exactly_and_in_constant_time(monkeypatch):
    import hmac

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN, TOKEN.upper())
    assert not token_matches(TOKEN, None)
    # a header that is not valid text is refused, not a crash
    assert not token_matches(TOKEN, "\udcff\ud800")
    assert len(calls) == 3


def test_serve_defaults_are_loopback_and_https_only_webhooks():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    assert is_loopback(args.host)
    assert args.allow_http_webhooks is False
    assert args.admin_token is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_serve_refuses_a_non_loopback_host_without_a_token(host, capsys):
    assert main(["serve", "--host", host, "--port", "0"]) == 2
    assert "--admin-token" in capsys.readouterr().err


@pytest.mark.live
def test_a_served_mock_on_a_public_address_demands_the_token():
    import requests

    from ..processes import ServeProcess

    with ServeProcess("--host", "0.0.0.0", "--admin-token", TOKEN, "--quiet") as served:
        local = served.url.replace("0.0.0.0", "127.0.0.1")
        assert requests.get(local + "/__mock/health", timeout=5).status_code == 401
        assert requests.get(local + "/__mock/health", headers={ADMIN_TOKEN_HEADER: TOKEN}, timeout=5).status_code == 200
        assert requests.get(local + f"/v2/user/session/delivery/read?hash={MASTER}", timeout=5).status_code == 400
