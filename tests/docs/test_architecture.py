"""docs/architecture.md's module map matches the tree: every module it lists
exists, and every module in mockserver/ and pytest_plugin/ is listed."""
from __future__ import annotations

import re

from .examples import REPO

PAGE = REPO / "docs" / "architecture.md"
PACKAGES = ("mockserver", "pytest_plugin")
ROW = re.compile(r"^\| `((?:%s)/[\w/]+\.py)` \|" % "|".join(PACKAGES), re.M)


def module_map() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return ROW.findall(text[text.index("## Module map"):])


def modules_in_tree() -> set[str]:
    return {
        path.relative_to(REPO).as_posix()
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if path.name != "__init__.py" and "_data" not in path.parts
    }


def test_every_module_listed_exists():
    missing = sorted(set(module_map()) - modules_in_tree())
    assert not missing, f"docs/architecture.md lists modules that are not in the tree: {missing}"


def test_every_module_in_the_tree_is_listed():
    unlisted = sorted(modules_in_tree() - set(module_map()))
    assert not unlisted, f"docs/architecture.md's module map does not list: {unlisted}"


def test_each_module_is_listed_once():
    listed = module_map()
    assert len(listed) == len(set(listed))
