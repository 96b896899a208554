"""The pages themselves: every example in them is one the suite executes, the
examples runner does check what it runs, and the README stays a door."""
from __future__ import annotations

import re

import pytest
from sybil import Document
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer
from sybil.testing import check_parser

from .examples import EXECUTED, REPO, FencedBlockParser, mismatch, expected_json, run_shell, sybils

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def fenced_blocks(path):
    document = Document(path.read_text(encoding="utf-8"), str(path))
    return list(FencedCodeBlockLexer(language=r".*")(document))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_block_on_the_page_is_an_executed_example(page):
    blocks = fenced_blocks(page)
    for block in blocks:
        language = (block.lexemes["language"].split() or ["(none)"])[0]
        line = page.read_text(encoding="utf-8")[: block.start].count("\n") + 1
        assert language in EXECUTED, f"{page.name}:{line}: a ```{language} block is not executed by the suite"
    examples = [e for sybil in sybils() for e in sybil.parse(page).examples()]
    assert len(examples) == len(blocks)


def test_the_suite_command_collects_every_page():
    """With no arguments pytest collects its testpaths, and the root
    conftest.py hands every page to Sybil."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    testpaths = re.search(r"^testpaths = \[(.*)\]", text, re.M).group(1)
    assert '"docs"' in testpaths and '"README.md"' in testpaths
    collection = sybils()
    for page in PAGES:
        assert any(sybil.should_parse(page) for sybil in collection), page
    assert not any(sybil.should_parse(REPO / "bench" / "README.md") for sybil in collection)


def test_the_examples_use_every_fixture():
    code = (REPO / "docs" / "pytest.md").read_text(encoding="utf-8")
    for name in ("mock_server", "mock", "mock_app", "mock_client", "webhook_receiver", "mock_intercept",
                 "intercept("):
        assert re.search(rf"\b{re.escape(name)}", code), f"no example in docs/pytest.md uses {name}"


def test_the_readme_is_a_door_that_names_the_suite_command():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    at = lines.index("# 2. run the whole test suite")
    assert "python -m pytest" in lines[at + 1]  # .ci/run runs the line after it


# ---------------------------------------------------------------- the runner checks what it runs
def test_a_shown_answer_is_compared_whole():
    assert mismatch(expected_json('{"a": 1, "b": "<any>"}'), {"a": 1, "b": [2]}) is None
    assert mismatch(expected_json('{"a": 1}'), {"a": 1, "b": 2}) == "/: expected the fields ['a'], got ['a', 'b']"
    assert mismatch(expected_json('{"a": 1, ...}'), {"a": 1, "b": 2}) is None
    assert mismatch(expected_json('{"a": [{"b": 1, ...}]}'), {"a": [{"b": 2, "c": 3}]}) == (
        "/a/0/b: expected 1, got 2")
    assert mismatch(expected_json('[1, 2]'), [1]) == "/: expected 2 items, got [1]"
    assert mismatch(expected_json('{"a": 1}'), {"a": 1.0}) == "/a: expected 1, got 1.0"


def test_a_curl_example_with_a_wrong_answer_fails():
    page = """
```sh
curl -s 'http://127.0.0.1:8080/v2/user/session/delivery/read?hash=22eac1c27af4be7b9d04da2ce1af111b'
# {"success": true, "value": "<the key>"}
```
"""
    with pytest.raises(AssertionError, match=r"/: expected the fields \['success', 'value'\]"):
        check_parser(FencedBlockParser("sh", run_shell), page)


def test_a_mockserver_command_that_fails_fails_the_example():
    page = """
```sh
mockserver validate no-such-file.yaml
```
"""
    with pytest.raises(AssertionError, match="exited 1"):
        check_parser(FencedBlockParser("sh", run_shell), page)


def test_an_unknown_command_fails_the_example():
    page = """
```sh
rm -rf /tmp/nothing-here
```
"""
    with pytest.raises(AssertionError, match="does not know"):
        check_parser(FencedBlockParser("sh", run_shell), page)


def test_an_install_of_an_extra_the_package_lacks_fails():
    page = """
```sh
pip install 'navixy-dellin-mockserver[no-such-extra]'
```
"""
    with pytest.raises(AssertionError, match="has no extra"):
        check_parser(FencedBlockParser("sh", run_shell), page)
