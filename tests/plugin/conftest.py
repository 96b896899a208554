"""The plugin is tested from the outside, with ``pytester``: each test writes a
small test suite and runs pytest on it with the plugin enabled."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# pytester is enabled for the whole suite in pyproject.toml (addopts "-p pytester")

REPO = Path(__file__).resolve().parents[2]


class Runner:
    """Runs pytest on the written suite in a subprocess, always: an in-process
    run shares this process's modules, and one that imports a library afresh
    (httpcore, say) leaves the next tests holding two copies of its classes,
    so that its exceptions are no longer mapped to the caller's library's.

    The subprocess loads the plugin by name and no other installed plugin
    (schemathesis and hypothesis alone cost seconds of start-up each time);
    ``plugins`` adds more, such as ``xdist.plugin``."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
        self.pytester = pytester
        # the subprocesses (pytest, xdist workers) must import the package
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(self, *args: str, plugins=(), timeout: float = 120) -> pytest.RunResult:
        loaded = [arg for name in ("pytest_plugin.plugin", *plugins) for arg in ("-p", name)]
        return self.pytester.runpytest_subprocess(*loaded, "-p", "no:cacheprovider", *args, timeout=timeout)


@pytest.fixture
def runner(pytester, monkeypatch) -> Runner:
    return Runner(pytester, monkeypatch)
