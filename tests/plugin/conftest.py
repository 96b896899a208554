"""The plugin is tested from the outside, with ``pytester``: each test writes a
small test suite and runs pytest on it with the plugin enabled."""
from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from mockserver import create_app
from mockserver.testing.server import start_local

# pytester is enabled for the whole suite in pyproject.toml (addopts "-p pytester")

REPO = Path(__file__).resolve().parents[2]


def plugin_args() -> list[str]:
    """``-p pytest_plugin.plugin`` unless the package is installed (then its entry point loads it)."""
    installed = any(ep.name == "mockserver" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "pytest_plugin.plugin"]


class Runner:
    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
        self.pytester = pytester
        # subprocess runs (xdist workers, pytester subprocesses) must import the package
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest(*plugin_args(), "-p", "no:cacheprovider", *args)

    def run_subprocess(self, *args: str, timeout: float = 120) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess(*plugin_args(), "-p", "no:cacheprovider", *args, timeout=timeout)


@pytest.fixture
def runner(pytester, monkeypatch) -> Runner:
    return Runner(pytester, monkeypatch)


# ---------------------------------------------------------------------- for the interceptor's tests
@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def live():
    """A mock on a socket (the plugin's server, which closes client connections on stop)."""
    server = start_local("127.0.0.1", 0)
    yield server
    server.stop()
