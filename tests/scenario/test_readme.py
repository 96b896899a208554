"""The README's annotated scenario example is valid and passes against the mock."""
import re
from pathlib import Path

from mockserver.scenario.loader import parse_text, validate
from mockserver.scenario.runner import run_scenario

README = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## A complete annotated example"):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_validates_and_passes(live_server):
    doc = validate(parse_text(readme_example(), "README.md"), "README.md")
    assert doc["name"] == "my-scenario"
    results = run_scenario(doc, live_server.url)
    assert all(r.passed for r in results), "\n".join(r.report() for r in results)
    assert len(results) == len(doc["steps"]) + 1
