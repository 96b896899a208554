"""Find, read and validate scenario documents."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..resources import scenarios_dir
from ..schemas import default_schemas

SCENARIO_SCHEMA = "scenario.schema.json"
SUFFIXES = (".yaml", ".yml", ".json")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file and the place."""

    def __init__(self, origin: str, problems: list[str]):
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(problems))


def search_dirs(extra=()) -> list[Path]:
    return [Path(d) for d in extra] + [scenarios_dir()]


def find(name: str, extra_dirs=()) -> Path:
    path = Path(name)
    if path.suffix in SUFFIXES and path.is_file():
        return path
    for folder in search_dirs(extra_dirs):
        for suffix in SUFFIXES:
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    raise ScenarioError(name, [f"no scenario named {name!r} (looked in {', '.join(map(str, search_dirs(extra_dirs)))})"])


def read_file(path: Path) -> dict:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(str(path), [f"cannot read: {exc}"]) from None
    return validate(doc, str(path))


def validate(doc, origin: str) -> dict:
    problems = default_schemas().problems(SCENARIO_SCHEMA, doc)
    if problems:
        raise ScenarioError(origin, [f"at {p.path or '<top level>'}: {p.message}" for p in problems])
    return doc


def load(source, extra_dirs=()) -> dict:
    """A scenario from a bundled name, a file path, or a document (dict)."""
    if isinstance(source, dict):
        return validate(source, source.get("name", "<document>") if isinstance(source.get("name"), str) else "<document>")
    return read_file(find(str(source), extra_dirs))


def bundled() -> list[dict]:
    out = []
    for path in sorted(scenarios_dir().glob("*.yaml")):
        doc = read_file(path)
        out.append({"name": doc.get("name", path.stem), "description": doc.get("description", ""), "file": path.name})
    return out
