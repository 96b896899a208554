"""The inspector page in a browser, as its tests see it: act as a person
would, and wait on what the page shows (never on a fixed delay)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from mockserver.inspector import browser as chromium

WAIT_SECONDS = 60  # a deadline for a failure to show, not a speed the test expects


@contextmanager
def browser_or_skip():
    problem = chromium.missing()
    if problem:
        pytest.skip(f"no browser for the inspector page's tests: {problem}")
    with chromium.headless_chromium(width=1400, height=1000) as driver:
        yield driver


class Page:
    """The inspector page in the browser: act as a person would, wait for what shows."""

    def __init__(self, driver, url: str):
        self.driver = driver
        self.url = url

    def open(self, fragment: str = "") -> "Page":
        self.driver.get(self.url + "/__mock/ui" + fragment)
        # a mark that a reload would wipe: updates must come without one
        self.driver.execute_script("window.inspectorTestMark = 'still here'")
        return self

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, condition, what: str):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.05).until(
            lambda _: condition(), message=f"the page never showed {what}"
        )

    def wait_js(self, script: str, what: str, *args):
        return self.wait(lambda: self.js(script, *args), what)

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        """Click once the element is there and can be clicked."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as shown
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.05).until(
            shown.element_to_be_clickable((By.CSS_SELECTOR, css)), message=f"the page never offered {css}"
        ).click()

    def type_into(self, css: str, text: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def live(self) -> None:
        self.wait_js("return document.getElementById('connection').classList.contains('ok')", "a live connection")

    def not_reloaded(self) -> bool:
        return self.js("return window.inspectorTestMark") == "still here"

    def points(self, subscription: int) -> list[dict]:
        """The attempts drawn on a subscription's timeline, in drawing order."""
        return self.js(
            "return Array.from(document.querySelectorAll("
            "'svg.timeline[data-subscription=\"' + arguments[0] + '\"] g.point')).map(function (g) {"
            " return {time: g.dataset.time, outcome: g.dataset.outcome, attempt: Number(g.dataset.attempt),"
            " status: g.dataset.status}; })",
            subscription,
        )

    def state_changes(self, subscription: int) -> list[tuple[str, str]]:
        return [tuple(c) for c in self.js(
            "return Array.from(document.querySelectorAll("
            "'svg.timeline[data-subscription=\"' + arguments[0] + '\"] [data-kind=\"state-change\"]'))"
            ".map(function (t) { return [t.dataset.state, t.dataset.time]; })",
            subscription,
        )]

    def subscription_state(self, subscription: int) -> str | None:
        return self.js(
            "var card = document.querySelector('article.subscription[data-subscription=\"' + arguments[0] + '\"]');"
            "return card ? card.dataset.state : null;",
            subscription,
        )

    def journal_rows(self) -> list[dict]:
        return self.js(
            "return Array.from(document.querySelectorAll('#journal-rows tr.call')).map(function (tr) {"
            " return {id: Number(tr.dataset.id), operation: tr.dataset.operation, status: tr.dataset.status,"
            " code: tr.querySelector('td.code').textContent}; })"
        )
