"""The scenario commands, run for real in subprocesses. CI relies on
test_every_bundled_scenario_passes_through_mockserver_run."""
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.resources import scenarios_dir

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.live


def mockserver(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )


def test_every_bundled_scenario_passes_through_mockserver_run():
    files = sorted(scenarios_dir().glob("*.yaml"))
    done = mockserver("run", *files)
    assert done.returncode == 0, done.stdout + done.stderr
    for path in files:
        assert f"scenario {path.stem}" in done.stdout
    assert " 0 failed" in done.stdout
    assert "FAIL" not in done.stdout and "Traceback" not in done.stderr


def test_a_failing_step_exits_non_zero_with_a_diff(tmp_path):
    path = tmp_path / "wrong.yaml"
    path.write_text(
        "name: wrong\n"
        "state: {navixy: {users: [{hash: 22eac1c27af4be7b9d04da2ce1af111b}]}}\n"
        "steps:\n"
        "  - request: {method: POST, path: /v2/user/session/delivery/create, json: {hash: 22eac1c27af4be7b9d04da2ce1af111b}}\n"
        "    expect: {status: 200, json: {success: true}}\n"
        "  - request: {path: /v2/user/session/delivery/read, query: {hash: 22eac1c27af4be7b9d04da2ce1af111b}}\n"
        "    expect: {status: 200, json: {value: {$regex: '^0+$'}}}\n"
        "  - advance_clock: 1m\n"
    )
    done = mockserver("run", path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ok      1 POST /v2/user/session/delivery/create" in done.stdout
    assert "FAIL    2 GET /v2/user/session/delivery/read" in done.stdout
    assert "at json.value: expected a string matching /^0+$/" in done.stdout
    assert "skip    3 advance_clock" in done.stdout
    assert "1 failed" in done.stdout


def test_a_bad_scenario_file_fails_the_run(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nfaults:\n  - {when: {operation: navixy.delivery.nope}, respond: {error: 6}}\n")
    done = mockserver("run", "navixy-demo", path)
    assert done.returncode == 2
    assert f"FAIL {path}: at faults[0].when.operation: unknown operation" in done.stdout
    # bad input: nothing is run
    assert "scenario navixy-demo" not in done.stdout and "mock started" not in done.stdout


def test_validate(tmp_path):
    good = scenarios_dir() / "navixy-demo.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsteps:\n  - request: {path: /v2/x, query: {hash: '${h}'}}\n")
    done = mockserver("validate", good, bad)
    assert done.returncode == 1
    assert f"ok   {good}" in done.stdout
    assert f"FAIL {bad}: at steps[0].request.query.hash: ${{h}} is used before any step saves it" in done.stdout
    assert mockserver("validate", good).returncode == 0


def test_scenarios_lists_names_and_descriptions():
    done = mockserver("scenarios")
    assert done.returncode == 0
    assert "navixy-transient-fault" in done.stdout and "times: 1" in done.stdout


def test_run_against_a_target(live_server):
    done = mockserver("run", "navixy-tariff", "--target", live_server.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"target {live_server.url}\n" in done.stdout


def test_run_against_a_target_without_admin_skips_admin_steps(app):
    from mockserver.server import ThreadedServer

    from .test_runner import without_admin

    with ThreadedServer(without_admin(app)) as server:
        done = mockserver("run", "default", "--target", server.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "it has no /__mock admin API, so admin-only steps are skipped" in done.stdout
    assert "skip    6 expect_state" in done.stdout
    assert "ok      1 the master user creates a delivery session" in done.stdout
