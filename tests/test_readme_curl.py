"""The README's curl walk-throughs, run against a live mock so they stay true.

Each ``curl`` command in a ``sh`` block is replayed with ``requests``; a
``# {...}`` comment after it is the expected JSON, where a string such as
``"<anything>"`` matches any value.
"""
from __future__ import annotations

import json
import re
import shlex

import pytest
import requests

from mockserver import create_app
from mockserver.server import ThreadedServer

from .processes import REPO

pytestmark = pytest.mark.live
README_URL = "http://127.0.0.1:8080"
ANY = "\x00any"


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def curl_examples(block: str) -> list[tuple[str, str | None]]:
    """(command, expected JSON comment or None) pairs, in order."""
    joined = re.sub(r"\\\n\s*", " ", block)
    examples: list[list] = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped.startswith("curl "):
            examples.append([stripped, None])
        elif stripped.startswith("# {") and examples and examples[-1][1] is None:
            examples[-1][1] = stripped[2:]
    return [tuple(e) for e in examples]


def parse_curl(command: str, base_url: str) -> dict:
    args = shlex.split(command.replace(README_URL, base_url))[1:]
    call = {"method": None, "headers": {}, "data": None, "url": None}
    it = iter(args)
    for arg in it:
        if arg in ("-s", "--silent", "-S"):
            continue
        if arg in ("-X", "--request"):
            call["method"] = next(it)
        elif arg in ("-H", "--header"):
            name, _, value = next(it).partition(":")
            call["headers"][name.strip()] = value.strip()
        elif arg in ("-d", "--data", "--data-raw"):
            call["data"] = next(it)
        elif arg.startswith("-"):
            raise AssertionError(f"the README uses a curl option this test does not know: {arg}")
        else:
            call["url"] = arg
    if call["data"] is not None:
        call["headers"].setdefault("Content-Type", "application/x-www-form-urlencoded")
    call["method"] = call["method"] or ("POST" if call["data"] is not None else "GET")
    return call


def expected_json(comment: str):
    return json.loads(re.sub(r'"<[^"]*>"', lambda _: json.dumps(ANY), comment))


def matches(expected, actual) -> bool:
    if expected == ANY:
        return True
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            matches(e, a) for e, a in zip(expected, actual))
    return expected == actual


def pages() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))])


def test_readme_has_curl_examples():
    assert sum(len(curl_examples(b)) for b in sh_blocks(pages())) >= 3


def curl_blocks() -> list[str]:
    return [b for b in sh_blocks(pages()) if curl_examples(b)]


@pytest.mark.parametrize("block", curl_blocks(), ids=lambda b: curl_examples(b)[0][0][:60])
def test_readme_curl_block(block):
    examples = curl_examples(block)
    # each block is a walk-through of its own, against a fresh default mock
    with ThreadedServer(create_app(allow_http_webhooks=True)) as server:
        session = requests.Session()
        for command, comment in examples:
            call = parse_curl(command, server.url)
            response = session.request(call["method"], call["url"], headers=call["headers"], data=call["data"],
                                       timeout=10)
            assert response.headers["Content-Type"].startswith("application/json"), command
            if comment is not None:
                assert matches(expected_json(comment), response.json()), (
                    f"README example:\n  {command}\nexpected {comment}\ngot {response.text}"
                )
