"""The wheel carries the schemas, the scenarios, the CLI and the pytest plugin."""
import subprocess
import sys
import zipfile

import pytest

from .processes import REPO

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True, timeout=300,
    )
    (path,) = out.glob("*.whl")
    return zipfile.ZipFile(path)


def test_wheel_holds_schemas_and_scenarios(wheel):
    names = set(wheel.namelist())
    for schema in (REPO / "schemas").rglob("*.json"):
        assert "mockserver/_data/schemas/" + schema.relative_to(REPO / "schemas").as_posix() in names
    for scenario in (REPO / "scenarios").glob("*.yaml"):
        assert "mockserver/_data/scenarios/" + scenario.name in names
    assert "mockserver/scenario/parsed_cache.json" in names


def test_wheel_holds_the_inspector_page(wheel):
    names = set(wheel.namelist())
    for name in ("index.html", "inspector.js", "inspector.css"):
        assert "mockserver/inspector/page/" + name in names


def test_wheel_registers_the_cli_and_the_plugin(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "mockserver = mockserver.cli:main" in text
    assert "[pytest11]" in text and "pytest_plugin.plugin" in text
