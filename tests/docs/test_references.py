"""What the pages name exists: every file path and every dotted Python name in
backticks, and every link between pages, so a moved module or a renamed
page cannot leave the docs pointing at nothing."""
from __future__ import annotations

import importlib
import re

import pytest

from .examples import REPO

PAGES = [REPO / "README.md", REPO / "bench" / "README.md", *sorted((REPO / "docs").glob("*.md"))]
ROOTS = ("mockserver", "pytest_plugin", "schemas", "scenarios", "tests", "bench", "docs")
PATH = re.compile(r"`((?:%s)/[^`\s]*)`" % "|".join(ROOTS))
DOTTED = re.compile(r"`((?:mockserver|pytest_plugin)(?:\.\w+)+)(?:\([^`]*\))?[^`]*`")
GENERATED = {"bench/results.json"}  # written by a benchmark run, git-ignored
LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#([\w-]+))?\)")


def page_id(page):
    return page.relative_to(REPO).as_posix()


def prose(page) -> str:
    """The page without its fenced blocks: examples are checked by running them."""
    return re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def anchors(page) -> set[str]:
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", prose(page), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_named_files_exist(page):
    missing = [p for p in PATH.findall(prose(page))
               if not set("*{<") & set(p) and p not in GENERATED and not (REPO / p.rstrip("/")).exists()]
    assert not missing, f"{page_id(page)} names files that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_named_python_objects_exist(page):
    missing = [name for name in DOTTED.findall(prose(page)) if not resolves(name)]
    assert not missing, f"{page_id(page)} names Python objects that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_links_between_pages_arrive(page):
    for target, anchor in LINK.findall(prose(page)):
        if "://" in target:
            continue
        linked = (page.parent / target).resolve()
        assert linked.is_file(), f"{page_id(page)} links to {target}, which does not exist"
        if anchor:
            assert anchor in anchors(linked), f"{page_id(page)} links to {target}#{anchor}: no such heading"
