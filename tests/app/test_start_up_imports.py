"""A mock with the default scenario starts without PyYAML (the bundled
scenarios are parsed ahead of time) and without jsonschema and referencing
(the compiled validator finds the scenario valid)."""
from __future__ import annotations

import os
import subprocess
import sys

from ..processes import REPO

HEAVY = ("yaml", "jsonschema", "referencing")


def test_create_app_with_the_default_scenario_imports_no_yaml_and_no_python_validator():
    code = ("import sys; from mockserver import create_app; create_app(); "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
