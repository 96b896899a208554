"""The README's "Use it in your tests" examples, run as written."""
from __future__ import annotations

import re

import pytest

from .conftest import REPO

BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def section_blocks() -> list[str]:
    return BLOCK.findall((REPO / "docs" / "pytest.md").read_text(encoding="utf-8"))


def test_the_section_has_an_example_for_every_fixture():
    code = "\n".join(section_blocks())
    for name in ("mock_server", "mock", "mock_app", "mock_client", "webhook_receiver", "mock_intercept", "intercept("):
        assert re.search(rf"\b{re.escape(name)}", code), f"no README example uses {name}"


def test_the_test_module_examples_pass(runner):
    modules = [block for block in section_blocks() if "def test_" in block]
    assert len(modules) >= 5
    runner.pytester.makepyfile(**{f"test_readme_{i}": block for i, block in enumerate(modules)})
    expected = sum(block.count("\ndef test_") + block.startswith("def test_") for block in modules)
    result = runner.run("-p", "no:randomly")
    result.assert_outcomes(passed=expected)


@pytest.mark.parametrize("index", range(sum("def test_" not in b for b in section_blocks())))
def test_the_script_examples_run(index):
    scripts = [block for block in section_blocks() if "def test_" not in block]
    exec(compile(scripts[index], f"README.md script example {index}", "exec"), {"__name__": "__readme__"})
