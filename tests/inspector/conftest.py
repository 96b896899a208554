"""A headless Chromium shared by a module's browser tests."""
from __future__ import annotations

import pytest

from .page import Page, browser_or_skip


@pytest.fixture(scope="module")
def browser():
    with browser_or_skip() as driver:
        yield driver


@pytest.fixture
def page_for(browser):
    def make(url: str) -> Page:
        return Page(browser, url)

    return make
