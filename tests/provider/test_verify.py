"""``mockserver verify``: read-only by default, self-cleaning with writes,
drift as failures, JUnit XML; against the mock (nothing to report) and the
differing HTTPS provider."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

from mockserver.cli import main
from mockserver.contract.junit import junit_xml
from mockserver.contract.verify import verify

from .test_cli import mockserver
from .test_proxy import APPKEY, HASH

pytestmark = pytest.mark.live

CREDENTIALS = {
    "NAVIXY_HASH": HASH, "DELLIN_APPKEY": APPKEY, "DELLIN_LOGIN": "info@info.ru", "DELLIN_PASSWORD": "Password1",
}
WRITE_PATHS = ("/delivery/create", "/v1/webhooks/update", "/v1/webhooks/delete", "/orders/add", "/orders/delete")


def subscriptions(url: str) -> list:
    state = requests.get(url + "/__mock/state").json()
    return [(u["login"], u.get("subscriptions")) for u in state["dellin"]["users"]]


def test_against_the_mock_every_check_passes_and_changes_nothing(mock_server):
    before = subscriptions(mock_server.url)
    results = verify(mock_server.url, ["navixy", "dellin"], CREDENTIALS)
    assert [(r.name, r.message) for r in results if r.status == "failed"] == []
    assert {r.name for r in results if r.status == "skipped"} == {
        "delivery/create, then read gives the new key (replaces the current key)",
        "webhooks/update: create a subscription, read it back", "webhooks/update: change it",
        "orders/add, orders?orderNumber, orders/delete", "webhooks/delete: delete it again (clean-up)",
    }
    assert not any(r.findings for r in results)
    assert subscriptions(mock_server.url) == before
    journal = requests.get(mock_server.url + "/__mock/requests").json()["requests"]
    assert journal and not [c["path"] for c in journal if c["path"].endswith(WRITE_PATHS)]


def test_with_writes_it_cleans_up_the_subscription_it_creates(mock_server):
    before = subscriptions(mock_server.url)
    env = {**CREDENTIALS, "DELLIN_ORDER_NUMBER": "8216702228554"}
    results = verify(mock_server.url, ["navixy", "dellin"], env, allow_writes=True)
    assert [(r.name, r.message) for r in results if r.status != "passed"] == []
    assert subscriptions(mock_server.url) == before
    journal = requests.get(mock_server.url + "/__mock/requests").json()["requests"]
    created = [c for c in journal if c["path"] == "/v1/webhooks/update" and "id" not in (c["request"]["json"])]
    deleted = [c for c in journal if c["path"] == "/v1/webhooks/delete"]
    assert len(created) == len(deleted) == 1
    assert deleted[0]["request"]["json"]["ids"] == [created[0]["response"]["json"]["data"]["id"]]


def test_against_the_differing_provider_drift_fails_the_checks_it_happens_in(provider, ca_file):
    results = verify(provider.url, ["navixy", "dellin"], CREDENTIALS, ca_bundle=ca_file)
    failed = {r.name: r for r in results if r.status == "failed"}
    assert set(failed) == {
        "delivery/read, hash in the query", "delivery/read, hash in a JSON body", "delivery/read, Authorization: NVX",
        "webhooks: the account's subscriptions", "webhooks/{id}: one subscription",
    }
    kinds = {(f.operation, f.kind, f.path) for r in failed.values() for f in r.findings}
    assert kinds == {
        ("navixy.delivery.read", "status_mismatch", "/status/code"),
        ("dellin.webhooks.list", "missing_field", "/metadata/generated_at"),
        ("dellin.webhooks.get", "unexpected_field", "/data/foo"),
        ("dellin.webhooks.get", "type_changed", "/data/id"),
    }
    # read-only: nothing that changes state reached the provider
    assert not [r["path"] for r in provider.app.requests if r["path"].endswith(WRITE_PATHS)]


def test_junit_xml_lists_each_check_with_failures_and_skips(provider, ca_file):
    results = verify(provider.url, ["navixy", "dellin"], CREDENTIALS, ca_bundle=ca_file)
    root = ET.fromstring(junit_xml(results, provider.url))
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("16", "5", "5")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"verify.navixy", "verify.dellin"}
    case = suites["verify.dellin"].find("testcase[@name='webhooks/{id}: one subscription']")
    failure = case.find("failure")
    assert failure.get("type") == "drift" and "unexpected_field at response /data/foo" in failure.text
    assert case.find("system-out").text == "POST /v1/webhooks/2 -> 200"


def test_the_command_writes_junit_and_never_prints_a_credential(provider, ca_file, tmp_path):
    report = tmp_path / "verify.xml"
    done = mockserver("verify", "--target", provider.url, "--target-ca", ca_file, "--junit", report,
                      env=CREDENTIALS)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "16 check(s): 6 passed, 5 failed, 5 skipped; 6 drift finding(s)" in done.stdout
    assert "drift dellin.webhooks.get 200 unexpected_field at response /data/foo" in done.stdout
    text = done.stdout + done.stderr + report.read_text()
    for secret in CREDENTIALS.values():
        assert secret not in text
    assert ET.parse(report).getroot().get("failures") == "5"


def test_one_api_at_a_time_and_only_with_its_credentials(mock_server, capsys, monkeypatch):
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    assert main(["verify", "--target", mock_server.url]) == 2
    assert "no credentials: set NAVIXY_HASH" in capsys.readouterr().err
    monkeypatch.setenv("NAVIXY_HASH", HASH)
    assert main(["verify", "--target", mock_server.url, "--api", "dellin"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "mockserver: --api dellin needs DELLIN_APPKEY, DELLIN_LOGIN, DELLIN_PASSWORD in the environment"
    assert main(["verify", "--target", mock_server.url]) == 0
    out = capsys.readouterr().out
    assert "verify navixy at" in out and "dellin:" not in out
