"""docs/cli.md names every command and every option the command line has."""
from __future__ import annotations

import contextlib
import io
import re

import pytest

from mockserver.cli import build_parser

from .examples import REPO

PAGE = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def help_text(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser().parse_args([*argv, "--help"])
    return out.getvalue()


def commands() -> list[str]:
    listing = help_text().split("positional arguments:", 1)[1].split("options:", 1)[0]
    return re.findall(r"^ {4}([a-z][\w-]*)", listing, re.M)


@pytest.mark.parametrize("command", commands())
def test_every_command_and_option_is_on_the_page(command):
    assert f"`mockserver {command}" in PAGE, f"docs/cli.md does not name mockserver {command}"
    options = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", help_text(command))) - {"--help"}
    missing = sorted(option for option in options if f"`{option}" not in PAGE)
    assert not missing, f"docs/cli.md does not name these options of mockserver {command}: {missing}"
