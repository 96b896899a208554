"""The command line checks what it is given: a bad flag is one line and exit
status 2, a closed pipe ends it quietly, a path is read as a path, and every
option says what it does."""
from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from mockserver.cli import build_parser, main

from ..processes import REPO


def one_line_refusal(capsys, argv) -> str:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize("command", ["serve", "proxy"])
@pytest.mark.parametrize("port", ["99999", "65536", "-1", "80x", ""])
def test_a_port_out_of_range_is_one_line_and_exit_2(capsys, command, port):
    extra = ["--target", "http://127.0.0.1:9"] if command == "proxy" else []
    line = one_line_refusal(capsys, [command, *extra, f"--port={port}"])
    assert "--port" in line


@pytest.mark.parametrize("port", ["0", "1", "65535"])
def test_every_port_number_is_taken(port):
    assert build_parser().parse_args(["serve", "--port", port]).port == int(port)


@pytest.mark.parametrize("threads", ["0", "-3", "two"])
def test_threads_must_be_at_least_one(capsys, threads):
    assert "--threads" in one_line_refusal(capsys, ["serve", f"--threads={threads}"])


def test_an_unknown_flag_is_one_line_too(capsys):
    assert "--nope" in one_line_refusal(capsys, ["serve", "--nope"])


@pytest.mark.live
def test_a_reader_that_stops_early_ends_the_command_quietly():
    """``mockserver openapi | head -1``."""
    done = subprocess.run(
        f"{sys.executable} -m mockserver openapi | head -1", shell=True, cwd=REPO, capture_output=True, text=True,
        timeout=60,
    )
    assert done.stdout == "{\n"
    assert done.stderr == ""


@pytest.mark.live
def test_run_reads_a_path_like_argument_as_a_path_and_starts_nothing():
    done = subprocess.run([sys.executable, "-m", "mockserver", "run", "nope.yaml"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout.strip().splitlines() == ["FAIL nope.yaml: no such file"]
    assert "mock started" not in done.stdout and "Traceback" not in done.stderr


def test_a_bundled_name_with_a_folder_is_a_path_too(capsys):
    assert main(["run", "./default"]) == 2
    assert capsys.readouterr().out.strip() == "FAIL ./default: no such file"


def test_the_summary_counts_scenarios_and_steps_apart(tmp_path, capsys):
    passing = tmp_path / "passing.yaml"
    passing.write_text("name: passing\nsteps:\n  - request: {path: /__mock/health}\n    expect: {status: 200}\n")
    failing = tmp_path / "failing.yaml"
    failing.write_text(
        "name: failing\nsteps:\n"
        "  - request: {path: /__mock/health}\n    expect: {status: 200}\n"
        "  - request: {path: /__mock/health}\n    expect: {status: 201}\n"
        "  - request: {path: /__mock/health}\n    expect: {status: 200}\n"
    )
    assert main(["run", str(passing), str(failing)]) == 1
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    # each scenario's load is a step of its own
    assert summary == "2 scenarios: 1 passed, 1 failed; 6 steps: 4 passed, 1 failed, 1 skipped"


def _every_parser(parser):
    yield parser.prog, parser
    for action in parser._actions:  # argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _every_parser(sub)


def test_every_option_and_argument_of_every_command_has_help_text():
    parser = build_parser()
    missing = []
    commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)][0]
    missing += [f"command {choice.dest}" for choice in commands._choices_actions if not (choice.help or "").strip()]
    for prog, each in _every_parser(parser):
        for action in each._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not (action.help or "").strip():
                missing.append(f"{prog} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
