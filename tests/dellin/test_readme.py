"""The README's Dellin curl walk-through, run against a fresh default mock:
every command's answer must equal the one shown under it."""
import json
import re
import shlex
from pathlib import Path

from mockserver import create_app
from tests.contract import ContractClient

README = Path(__file__).resolve().parents[2] / "docs" / "dellin.md"
ANY = "__any__"


def dellin_section() -> str:
    return README.read_text(encoding="utf-8")


def examples() -> list[tuple[list[str], object]]:
    """(curl argv, expected JSON) for each command followed by a '# {...}' line."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", dellin_section(), re.S):
        command = None
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("curl "):
                command = shlex.split(line)
            elif line.startswith("# ") and command is not None:
                shown = re.sub(r'"<[^">]*>"', json.dumps(ANY), line[2:])
                out.append((command, json.loads(shown)))
                command = None
    return out


def matches(expected, actual) -> bool:
    if expected == ANY:
        return True
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(matches, expected, actual))
    return expected == actual


def test_the_walk_through_runs_as_written():
    found = examples()
    assert len(found) >= 8
    app = create_app()
    app.test_client_class = ContractClient
    client = app.test_client()
    for argv, expected in found:
        url = argv[argv.index("-X") + 2]
        path = re.sub(r"^http://127\.0\.0\.1:8080", "", url)
        body = argv[argv.index("-d") + 1]
        response = client.post(path, data=body, content_type="application/json")
        assert matches(expected, response.json), f"{path} {body}\nshown:  {expected}\nactual: {response.json}"
