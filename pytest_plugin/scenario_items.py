"""Scenario files as test items: ``pytest scenarios/`` runs every scenario's steps.

Only YAML files that declare themselves scenarios (a mapping with ``name``
and ``steps``) are collected; any other YAML file is left alone. The steps
run against the session's mock server through
``mockserver.scenario.runner.run_scenario``, and a failure is reported as
the step-by-step report with the diff of the step that failed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

SUFFIXES = (".yaml", ".yml")


# a file that does not parse is still ours when its top level names both keys
_TOP_LEVEL_KEY = re.compile(r"^(name|steps)\s*:", re.MULTILINE)


def declares_scenario(path: Path) -> bool:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return {m.group(1) for m in _TOP_LEVEL_KEY.finditer(text)} == {"name", "steps"}
    return isinstance(doc, dict) and "name" in doc and "steps" in doc


class ScenarioFile(pytest.File):
    def collect(self):
        import yaml

        try:
            doc = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            doc = None  # the item reports the parse error when it runs
        name = doc.get("name") if isinstance(doc, dict) and isinstance(doc.get("name"), str) else self.path.stem
        yield ScenarioItem.from_parent(self, name=name, callobj=_scenario_runner(self.path))


class ScenarioFailure(Exception):
    def __init__(self, report: str):
        super().__init__(report)
        self.report = report


def _scenario_runner(path: Path):
    """The item's test function. It takes ``mock_server`` as a test would, so
    the session's server is the one the fixtures give (with any override of
    ``mock_server_host``/``mock_server_port``), whichever item runs first."""

    def run_scenario_file(mock_server):
        from mockserver.scenario.loader import ScenarioError, read_file
        from mockserver.scenario.runner import run_scenario

        try:
            doc = read_file(path)
        except ScenarioError as exc:
            raise ScenarioFailure(f"invalid scenario: {exc}") from None
        # loading the scenario replaces the base one for the tests that follow
        mock_server.base_scenario_dirty = True
        results = run_scenario(doc, mock_server.url, admin=True, admin_token=mock_server.admin_token)
        if any(result.failed for result in results):
            raise ScenarioFailure("\n".join(result.report() for result in results))

    return run_scenario_file


class ScenarioItem(pytest.Function):
    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailure):
            return f"scenario {self.name!r} ({self.path.name}) failed:\n{excinfo.value.report}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"scenario: {self.name}"
