"""Every bundled scenario with steps, run through the proxy in front of the
mock: no drift, and its recording runs green against a fresh mock."""
from __future__ import annotations

import io

import pytest
import requests
import yaml

from mockserver.contract.record import Recorder
from mockserver.scenario.command import run_command
from mockserver.scenario.loader import bundled, load

from .conftest import start_proxy

pytestmark = pytest.mark.live

WITH_STEPS = [row["name"] for row in bundled() if load(row["name"]).get("steps")]


@pytest.mark.parametrize("name", WITH_STEPS)
def test_replaying_through_the_proxy_finds_no_drift_and_the_recording_runs(name, mock_server, tmp_path):
    recorder = Recorder(mock_server.url)
    with start_proxy(mock_server.url, on_exchange=recorder.add) as proxy:
        out = io.StringIO()
        assert run_command([name], target=proxy.url, out=out) == 0, out.getvalue()
        assert "0 schema drift finding(s)" in out.getvalue()
        report = requests.get(proxy.url + "/__mock/drift").json()
    assert report["findings"] == [], report
    path = tmp_path / f"{name}.yaml"
    recorder.write(path)
    recording = yaml.safe_load(path.read_text())
    requests_in_steps = [s for s in recording["steps"] if not s["request"]["path"].startswith("/__mock")]
    assert len(requests_in_steps) == report["exchanges"]
    replay = io.StringIO()
    assert run_command([str(path)], out=replay) == 0, replay.getvalue() + path.read_text()
