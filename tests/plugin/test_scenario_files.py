"""Scenario YAML files with steps are collected as test items; other YAML is left alone."""
from __future__ import annotations

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"

STATE = f"state: {{navixy: {{users: [{{hash: {MASTER}}}]}}}}"

PASSING = f"""
name: create-then-read
description: a key that was created can be read back
{STATE}
steps:
  - request: {{method: POST, path: /v2/user/session/delivery/create, json: {{hash: {MASTER}}}}}
    expect: {{status: 200, json: {{success: true, value: {{$regex: "^[0-9a-f]{{32}}$"}}}}}}
    save: {{key: json.value}}
  - request: {{method: GET, path: /v2/user/session/delivery/read, query: {{hash: {MASTER}}}}}
    expect: {{status: 200, json: {{value: "${{key}}"}}}}
"""

FAILING = f"""
name: wrong-expectation
{STATE}
steps:
  - request: {{method: POST, path: /v2/user/session/delivery/read, json: {{hash: {MASTER}}}}}
    expect: {{status: 200, json: {{success: true}}}}
  - advance_clock: 20m
"""


def test_scenario_files_become_items_and_other_yaml_is_ignored(runner):
    runner.pytester.makefile(".yaml", create_then_read=PASSING)
    runner.pytester.makefile(".yml", config="name: not-a-scenario\nsettings: {a: 1}\n")
    runner.pytester.makefile(".yaml", list_doc="- steps\n- name\n", broken_yaml="key: [unclosed\n")
    result = runner.run("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*create_then_read.yaml::create-then-read PASSED*"])


def test_a_failing_step_is_reported_with_its_diff_and_later_steps_skipped(runner):
    runner.pytester.makefile(".yaml", wrong=FAILING)
    result = runner.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*scenario 'wrong-expectation' (wrong.yaml) failed:",
            "ok   load load scenario wrong-expectation",
            "FAIL    1 POST /v2/user/session/delivery/read",
            "*expected 200, got 400*",
            "skip    2 *",
        ]
    )


def test_a_file_that_declares_itself_a_scenario_but_is_invalid_fails_with_the_place(runner):
    runner.pytester.makefile(".yaml", invalid="name: invalid\nsteps: [{request: {path: 5}}]\n")
    runner.pytester.makefile(".yaml", unparsable="name: unparsable\nsteps:\n  - request: {path: /v2]}\n")
    result = runner.run("-p", "no:randomly")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*invalid scenario:*invalid.yaml*steps*", "*invalid scenario:*unparsable.yaml: not valid YAML: line 3*"])


def test_tests_after_a_scenario_item_start_from_the_default_scenario(runner):
    runner.pytester.makefile(
        ".yaml",
        a_scenario=(
            "name: a_scenario\n"
            "state: {navixy: {users: [{hash: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}]}}\n"
            "steps:\n"
            "  - request: {method: GET, path: /v2/user/session/delivery/create, query: {hash: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}}\n"
            "    expect: {status: 200}\n"
        ),
    )
    runner.pytester.makepyfile(
        test_z_after=f"""
        import requests

        def test_default_users_are_back(mock):
            r = requests.get(mock.navixy_url + "/user/session/delivery/create", params={{"hash": "{MASTER}"}})
            assert r.status_code == 200
        """
    )
    runner.run("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_bundled_scenarios_pass_as_items(runner):
    from .conftest import REPO

    result = runner.run(str(REPO / "scenarios"), "--rootdir", str(REPO))
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1 and "failed" not in outcomes, result.stdout.str()


def test_load_scenario_reads_a_file_at_any_path_itself_and_sends_the_document(runner, tmp_path):
    """The admin API loads only names over HTTP; the plugin reads the file here."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = elsewhere / "anywhere.json"
    path.write_text('{"name": "anywhere", "state": {"navixy": {"users": [{"hash": "%s"}]}}}' % ("a" * 32))
    runner.pytester.makepyfile(
        f"""
        def test_load(mock):
            assert mock.load_scenario({str(path)!r})["loaded"] == "anywhere"
        """
    )
    runner.run().assert_outcomes(passed=1)
