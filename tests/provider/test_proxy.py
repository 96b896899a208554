"""The proxy in front of a provider that differs from the mock (over HTTPS,
verified with a trustme CA), and in front of the mock itself."""
from __future__ import annotations

import gzip
import json
import logging

import pytest
import requests

from mockserver.schemas import default_schemas

from .conftest import start_proxy
from .provider import DIFFERENCES

pytestmark = pytest.mark.live

HASH = "22eac1c27af4be7b9d04da2ce1af111b"
TARIFF_HASH = "55555555555555555555555555555555"
APPKEY = "00000000-0000-0000-0000-000000000000"
SESSION = "00000000-0000-0000-0000-000000000000"
DELLIN = {"appkey": APPKEY, "sessionID": SESSION}


def drive(base: str) -> list[requests.Response]:
    """One call for each of the provider's differences, and one that agrees."""
    return [
        requests.post(base + "/v1/webhooks/2", json=DELLIN),
        requests.post(base + "/v1/webhooks", json=DELLIN),
        requests.post(base + "/v2/user/session/delivery/create", json={"hash": TARIFF_HASH}),
        requests.get(base + "/v2/user/session/delivery/read", params={"hash": HASH}),
        requests.post(base + "/v3/auth/login.json", json={"appkey": APPKEY, "login": "info@info.ru",
                                                         "password": "Password1"}),
    ]


def drift_of(proxy) -> dict:
    answer = requests.get(proxy.url + "/__mock/drift")
    assert answer.status_code == 200
    default_schemas().check("admin/drift.schema.json", answer.json())
    return answer.json()


def test_every_deliberate_difference_is_one_finding(provider_proxy):
    drive(provider_proxy.url)
    report = drift_of(provider_proxy)
    assert report["exchanges"] == 5
    found = {(f["operation"], f["kind"], f["path"]) for f in report["findings"]}
    assert found == DIFFERENCES
    by_kind = {f["kind"]: f for f in report["findings"]}
    assert by_kind["unexpected_field"] == {
        "operation": "dellin.webhooks.get", "status": 200, "kind": "unexpected_field", "path": "/data/foo",
        "expected": None, "actual": "bar", "direction": "response",
    }
    assert (by_kind["type_changed"]["expected"], by_kind["type_changed"]["actual"]) == ("integer", "string")
    assert by_kind["unknown_code"]["actual"] == 999
    assert (by_kind["status_mismatch"]["expected"], by_kind["status_mismatch"]["status"]) == (400, 404)


def test_the_answer_comes_back_unchanged(provider_proxy, provider, ca_file):
    direct = requests.post(provider.url + "/v1/webhooks/2", json=DELLIN, verify=ca_file)
    through = requests.post(provider_proxy.url + "/v1/webhooks/2", json=DELLIN)
    assert through.status_code == direct.status_code == 200
    assert through.headers["Content-Type"] == direct.headers["Content-Type"]
    assert through.headers["X-Provider"] == "differing"
    # the same bytes but for the timestamp, which the clock does not move: equal
    assert through.content == direct.content
    refused = requests.get(provider_proxy.url + "/v2/user/session/delivery/read", params={"hash": HASH})
    assert refused.status_code == 404 and refused.json()["status"]["code"] == 201


def test_the_request_is_forwarded_unchanged_but_for_hop_by_hop_headers_and_host(provider_proxy, provider):
    body = b'{"appkey": "%s", "sessionID": "%s"}' % (APPKEY.encode(), SESSION.encode())
    requests.post(
        provider_proxy.url + "/v1/webhooks/2?x=1&x=2&y=%C3%A9", data=body,
        headers={"Content-Type": "application/json", "X-Trace": "t-1", "Connection": "keep-alive, X-Drop",
                 "X-Drop": "gone", "Keep-Alive": "timeout=5", "Proxy-Authorization": "Basic eDp5"},
    )
    [seen] = provider.app.requests
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == ("POST", "/v1/webhooks/2",
                                                                          b"x=1&x=2&y=%C3%A9", body)
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert headers["x-trace"] == "t-1" and headers["content-type"] == "application/json"
    assert headers["host"] == provider.url.split("//", 1)[1]
    for dropped in ("x-drop", "keep-alive", "proxy-authorization"):
        assert dropped not in headers


def test_a_compressed_answer_passes_as_bytes_and_is_checked_decoded(provider, ca_file):
    # a client that takes gzip gets the provider's gzip bytes; the check reads the JSON inside
    def gzipping(answer):
        answer.set_data(gzip.compress(answer.get_data()))
        answer.headers["Content-Encoding"] = "gzip"

    provider.app.tweak = gzipping
    with start_proxy(provider.url, ca_bundle=ca_file) as proxy:
        answer = requests.post(proxy.url + "/v1/webhooks/2", json=DELLIN)
        assert answer.headers["Content-Encoding"] == "gzip"
        assert answer.json()["data"]["foo"] == "bar"
        assert {f["kind"] for f in drift_of(proxy)["findings"]} >= {"unexpected_field"}


def test_an_unknown_target_certificate_is_refused_without_the_ca(provider):
    with start_proxy(provider.url) as proxy:  # the system's trust store knows no trustme CA
        answer = requests.post(proxy.url + "/v1/webhooks/2", json=DELLIN)
        assert answer.status_code == 502
        assert "SSLError" in answer.json()["error"]["message"]
        assert drift_of(proxy)["exchanges"] == 0


def test_credentials_never_reach_the_log_or_the_report(provider_proxy, caplog):
    caplog.set_level(logging.INFO, logger="mockserver.proxy")
    for answer in drive(provider_proxy.url):
        assert answer.status_code < 500
    requests.post(provider_proxy.url + "/v2/user/session/delivery/read", headers={"Authorization": f"NVX {HASH}"})
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("mockserver"))
    text = logged + json.dumps(drift_of(provider_proxy))
    assert "drift dellin.webhooks.get 200 unexpected_field" in logged
    for secret in (HASH, TARIFF_HASH, APPKEY, "Password1", "info@info.ru"):
        assert secret not in text


def test_a_secret_echoed_in_an_unexpected_field_is_masked(provider_proxy, provider):
    def echoing(answer):
        body = json.loads(answer.get_data())
        body["data"]["debug"] = f"session {SESSION} of appkey {APPKEY}"
        body["data"]["sessionID"] = SESSION
        answer.set_data(json.dumps(body))

    provider.app.tweak = echoing
    requests.post(provider_proxy.url + "/v1/webhooks/2", json=DELLIN)
    found = {f["path"]: f["actual"] for f in drift_of(provider_proxy)["findings"]}
    assert found["/data/debug"] == "session *** of appkey ***"
    assert found["/data/sessionID"] == "***"


def test_no_findings_in_front_of_the_mock(mock_proxy):
    answers = drive(mock_proxy.url)
    assert [a.status_code for a in answers] == [200, 200, 402, 400, 200]
    report = drift_of(mock_proxy)
    assert report == {"exchanges": 5, "unchecked": 0, "findings": []}


def test_calls_outside_the_mocked_operations_pass_unchecked(mock_proxy):
    answer = requests.post(mock_proxy.url + "/v2/tracker/list", json={"hash": HASH})
    assert (answer.status_code, answer.json()["status"]["code"]) == (400, 111)  # "Wrong handler", the docs' default status
    assert drift_of(mock_proxy) == {"exchanges": 1, "unchecked": 1, "findings": []}


def test_drift_can_be_cleared(provider_proxy):
    drive(provider_proxy.url)
    assert requests.delete(provider_proxy.url + "/__mock/drift").status_code == 200
    assert drift_of(provider_proxy) == {"exchanges": 0, "unchecked": 0, "findings": []}


# ------------------------------------------------------------------ the proxy's admin API
def test_health_says_whether_a_mock_admin_api_is_behind(provider_proxy, mock_proxy):
    assert requests.get(provider_proxy.url + "/__mock/health").json()["target_admin"] is False
    assert requests.get(mock_proxy.url + "/__mock/health").json() == {
        "status": "ok", "proxy": mock_proxy.proxy.target, "target_admin": True,
    }


def test_other_admin_calls_reach_the_mock_behind(mock_proxy):
    answer = requests.post(mock_proxy.url + "/__mock/clock/advance", json={"seconds": 60})
    assert answer.status_code == 200, answer.text
    assert drift_of(mock_proxy)["exchanges"] == 0  # the admin API is no exchange with the API


@pytest.mark.parametrize("headers, status", [
    ({"Host": "evil.example"}, 403),
    ({"Origin": "https://evil.example"}, 403),
])
def test_admin_calls_from_other_hosts_and_origins_are_refused(mock_proxy, headers, status):
    answer = requests.get(mock_proxy.url + "/__mock/drift", headers=headers)
    assert answer.status_code == status
    assert answer.json()["error"]["message"]
    # the mocked APIs themselves are not guarded: the proxy passes them on
    assert requests.post(mock_proxy.url + "/v1/webhooks", json=DELLIN, headers=headers).status_code == 200


def test_an_admin_body_must_be_json(mock_proxy):
    answer = requests.post(mock_proxy.url + "/__mock/clock/advance", data="seconds=60",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 415


def test_with_a_token_the_admin_api_needs_it(mock_server):
    with start_proxy(mock_server.url, admin_token="s3cret-token") as proxy:
        assert requests.get(proxy.url + "/__mock/drift").status_code == 401
        assert requests.get(proxy.url + "/__mock/drift", headers={"X-Mock-Admin-Token": "wrong"}).status_code == 401
        answer = requests.get(proxy.url + "/__mock/drift", headers={"X-Mock-Admin-Token": "s3cret-token"})
        assert answer.status_code == 200


def test_an_unreachable_target_is_a_502_and_no_exchange():
    with start_proxy("http://127.0.0.1:9") as proxy:  # the discard port: nothing listens
        answer = requests.get(proxy.url + "/v2/user/session/delivery/read", params={"hash": HASH})
        assert answer.status_code == 502
        assert answer.headers["Content-Type"] == "application/json"
        assert drift_of(proxy)["exchanges"] == 0
