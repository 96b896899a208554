"""``mockserver proxy`` and ``mockserver run --target`` as real processes,
in front of the differing HTTPS provider (``--target-ca``) and the mock."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
import yaml

from mockserver.cli import main

from ..processes import REPO, ProxyProcess
from .provider import DIFFERENCES
from .test_proxy import APPKEY, HASH, drive

pytestmark = pytest.mark.live


def mockserver(*args, timeout=120, env=None):
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


def test_proxy_reports_drift_logs_it_and_records_a_committable_scenario(provider, ca_file, tmp_path):
    record = tmp_path / "provider.yaml"
    with ProxyProcess("--target", provider.url, "--target-ca", ca_file, "--record", record) as proxy:
        drive(proxy.url)
        report = requests.get(proxy.url + "/__mock/drift").json()
        assert proxy.stop() == 0
    log = proxy.log
    assert {(f["operation"], f["kind"], f["path"]) for f in report["findings"]} == DIFFERENCES
    for operation, kind, path in DIFFERENCES:
        assert f"drift {operation} " in log and f"{kind} at response {path}" in log
    assert "5 exchange(s), 5 finding(s)" in log
    assert f"recorded 5 exchange(s) to {record}" in log
    text = record.read_text()
    for secret in (HASH, APPKEY, "Password1", "info@info.ru"):
        assert secret not in text and secret not in log
    doc = yaml.safe_load(text)
    assert set(doc["variables"]) >= {"NAVIXY_HASH", "DELLIN_APPKEY", "DELLIN_LOGIN", "DELLIN_PASSWORD"}
    # against the mock, the recording shows where the provider differs: the first is data.id
    done = mockserver("run", record)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "at json.data.id: expected \"2\", got 2" in done.stdout, done.stdout
    # --keep-going runs every step, so every difference the provider made shows
    every = mockserver("run", record, "--keep-going")
    assert every.returncode == 1
    # (999 is no code the recording can read a user's state from: the mock's user creates a session)
    for difference in ("at json.data.foo: expected \"bar\", got nothing", "at status: expected 402, got 200",
                       "at status: expected 404, got 400"):
        assert difference in every.stdout, every.stdout
    assert "6 steps: 3 passed, 3 failed, 0 skipped" in every.stdout


def test_run_against_a_target_reports_drift_apart_from_step_results(provider, ca_file, tmp_path):
    scenario = tmp_path / "calls.yaml"
    scenario.write_text(yaml.safe_dump({
        "name": "calls",
        "steps": [
            {"request": {"method": "POST", "path": "/v1/webhooks/2",
                         "json": {"appkey": APPKEY, "sessionID": "00000000-0000-0000-0000-000000000000"}},
             "expect": {"status": 200}},
            {"request": {"method": "GET", "path": "/v2/user/session/delivery/read", "query": {"hash": HASH}},
             "expect": {"status": [400, 404]}},
        ],
    }))
    done = mockserver("run", scenario, "--target", provider.url, "--target-ca", ca_file)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 scenario: 1 passed, 0 failed; 2 steps: 2 passed, 0 failed" in done.stdout
    assert "schema drift: 3 finding(s), not step failures" in done.stdout
    assert "step 1: drift dellin.webhooks.get 200 unexpected_field at response /data/foo" in done.stdout
    assert "step 2: drift navixy.delivery.read 404 status_mismatch" in done.stdout
    strict = mockserver("run", scenario, "--target", provider.url, "--target-ca", ca_file, "--strict-schema")
    assert strict.returncode == 1
    assert "failures (--strict-schema)" in strict.stdout


def test_run_through_the_proxy_in_front_of_the_mock_finds_nothing(mock_server):
    with ProxyProcess("--target", mock_server.url, "--quiet") as proxy:
        done = mockserver("run", "default", "navixy-demo", "--target", proxy.url, "--strict-schema")
        report = requests.get(proxy.url + "/__mock/drift").json()
        assert proxy.stop() == 0
    log = proxy.log
    assert done.returncode == 0, done.stdout
    assert "0 schema drift finding(s)" in done.stdout
    assert report["findings"] == [] and report["exchanges"] == 9
    assert "9 exchange(s), 0 finding(s)" in log


def test_a_recording_runs_against_the_provider_with_credentials_from_vars(provider, ca_file, tmp_path):
    # the file holds stand-ins; --var NAME (from the environment) or NAME=VALUE gives the real value
    record = tmp_path / "navixy.yaml"
    with ProxyProcess("--target", provider.url, "--target-ca", ca_file, "--record", record) as proxy:
        assert requests.post(proxy.url + "/v2/user/session/delivery/create", json={"hash": HASH}).status_code == 200
        assert proxy.stop() == 0
    assert HASH not in record.read_text()
    target = ["--target", provider.url, "--target-ca", ca_file]
    done = mockserver("run", record, *target, "--var", "NAVIXY_HASH", env={"NAVIXY_HASH": HASH})
    assert done.returncode == 0, done.stdout
    assert "1 step: 1 passed, 0 failed" in done.stdout
    stand_in = mockserver("run", record, *target)
    assert stand_in.returncode == 1 and "expected 200, got 400" in stand_in.stdout, stand_in.stdout
    given = mockserver("run", record, *target, "--var", f"NAVIXY_HASH={HASH}")
    assert given.returncode == 0, given.stdout


@pytest.mark.parametrize("args, message", [
    (["--target", "ftp://example.test"], "the target must be an http or https URL"),
    (["--target", "https://example.test", "--target-ca", "/nonexistent/ca.pem"], "--target-ca /nonexistent/ca.pem: no such file"),
    (["--target", "https://example.test", "--record", "/nonexistent/dir/rec.yaml"], "does not exist"),
    (["--target", "https://example.test", "--host", "0.0.0.0"], "without --admin-token"),
])
def test_bad_proxy_flags_are_one_line_and_exit_2(args, message, capsys):
    assert main(["proxy", "--port", "0", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("args, message", [
    (["default", "--strict-schema"], "--strict-schema needs --target"),
    (["default", "--var", "NO_SUCH_VARIABLE_XYZ"], "the environment has no NO_SUCH_VARIABLE_XYZ"),
    (["default", "--var", "1x=2"], "expected NAME=VALUE or NAME"),
])
def test_bad_run_flags_are_one_line_and_exit_2(args, message, capsys):
    assert main(["run", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_a_bad_flag_from_the_command_line_is_one_line(tmp_path):
    done = mockserver("proxy", "--target", "https://example.test", "--target-ca", tmp_path / "none.pem", timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip() == f"mockserver: --target-ca {tmp_path / 'none.pem'}: no such file"
