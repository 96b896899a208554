"""The inspector page in a real browser (headless Chromium), driven as a
person would: load a scenario, trigger an order event, advance the clock,
watch the subscription fail until it is disabled, filter the journal, reset.

Every wait is on a condition the page shows; the deadline only bounds a
failure. The tests skip, saying why, only where no browser can be driven.
"""
from __future__ import annotations

import pytest
import requests

from mockserver import create_app
from mockserver.server import ThreadedServer

pytestmark = pytest.mark.live

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
NO_TARIFF = "55555555555555555555555555555555"
CREATE = "/v2/user/session/delivery/create"
ORDER = "8216702228554"


@pytest.fixture
def served():
    """A fresh mock on a real socket."""
    with ThreadedServer(create_app()) as server:
        yield server


def test_a_failing_receiver_goes_error_then_disabled_with_four_attempts_at_their_due_times(served, page_for):
    page = page_for(served.url).open()
    page.live()

    # load the scenario of a receiver that always fails
    page.click('button[data-load="dellin-receiver-disabled"]')
    page.wait(lambda: "loaded scenario dellin-receiver-disabled" in page.find("#message").text, "the scenario loaded")
    page.wait_js("var url = document.querySelector('article.subscription[data-subscription=\"2\"] code.url');"
                 "return url !== null && url.textContent === 'https://hooks.example/down'", "the scenario's subscription")
    assert page.subscription_state(2) == "enabled"
    assert page.find("#clock-now").text == "2024-06-01 09:00:00"
    assert page.find("#clock-mode").text == "virtual"

    # trigger an order event from the page: the first attempt fails at once
    page.type_into("#event-order", ORDER)
    page.type_into("#event-type", "order.state.pickup")
    page.click("#event-form button[type=submit]")
    page.wait(lambda: page.subscription_state(2) == "error", "subscription #2 in error")
    page.wait(lambda: len(page.points(2)) == 2, "the first attempt and its pending retry")
    first, retry = page.points(2)
    assert first == {"time": "2024-06-01T09:00:00Z", "outcome": "failed", "attempt": 1, "status": "503"}
    assert retry["outcome"] == "pending" and retry["time"] == "2024-06-01T09:01:00Z" and retry["attempt"] == 2

    # advance the clock from the page: each retry runs at its own due time
    page.click('button[data-advance="1m"]')
    page.wait(lambda: [p["outcome"] for p in page.points(2)] == ["failed", "failed", "pending"], "attempt 2 failed")
    assert page.points(2)[2]["time"] == "2024-06-01T09:21:00Z"
    page.click('button[data-advance="20m"]')
    page.wait(lambda: [p["outcome"] for p in page.points(2)] == ["failed"] * 3 + ["pending"], "attempt 3 failed")
    assert page.points(2)[3]["time"] == "2024-06-01T12:21:00Z"
    assert page.subscription_state(2) == "error"
    page.type_into("#advance-by", "3h")
    page.click("#advance-form button[type=submit]")
    page.wait(lambda: page.subscription_state(2) == "disabled", "subscription #2 disabled")

    points = page.points(2)
    assert [(p["time"], p["outcome"], p["attempt"]) for p in points] == [
        ("2024-06-01T09:00:00Z", "failed", 1),
        ("2024-06-01T09:01:00Z", "failed", 2),
        ("2024-06-01T09:21:00Z", "failed", 3),
        ("2024-06-01T12:21:00Z", "failed", 4),
    ]
    assert page.state_changes(2) == [("error", "2024-06-01T09:00:00Z"), ("disabled", "2024-06-01T12:21:00Z")]
    card = page.find('article.subscription[data-subscription="2"]')
    assert card.find_element("css selector", ".badge.state").text == "disabled"
    assert card.find_element("css selector", "dd.failures").text == "4"
    assert page.find("#clock-now").text == "2024-06-01 12:21:00"

    # the client switches it back on: the timeline shows who did it, and when
    enable = {"appkey": "00000000-0000-0000-0000-000000000000", "sessionID": "22222222-2222-2222-2222-222222222222",
              "id": 2, "url": "https://hooks.example/down", "orderRoles": ["sender"], "state": "enabled"}
    assert requests.post(served.url + "/v1/webhooks/update", json=enable, timeout=10).status_code == 200
    page.wait(lambda: page.subscription_state(2) == "enabled", "subscription #2 enabled again")
    page.wait(lambda: page.state_changes(2)[-1:] == [("enabled", "2024-06-01T12:21:00Z")], "the change back to enabled")

    # reset from the page: the scenario's initial state, clock and empty log
    page.click("#reset")
    page.wait(lambda: page.subscription_state(2) == "enabled" and page.points(2) == [], "the reset state")
    page.wait(lambda: page.find("#clock-now").text == "2024-06-01 09:00:00", "the clock back at the start")
    assert page.not_reloaded()


def test_the_journal_updates_without_a_reload_and_filters_to_one_operation(served, page_for):
    with requests.Session() as http:
        http.post(served.url + CREATE, json={"hash": MASTER}, timeout=10)
        http.post(served.url + "/v2/user/session/delivery/read", json={"hash": MASTER}, timeout=10)
        page = page_for(served.url).open()
        page.live()
        page.wait(lambda: len(page.journal_rows()) == 2, "the two calls made so far")

        # a call made now shows up without a reload, newest first
        http.post(served.url + CREATE, json={"hash": NO_TARIFF}, timeout=10)
        page.wait(lambda: len(page.journal_rows()) == 3, "the new call")
        newest = page.journal_rows()[0]
        assert newest["operation"] == "navixy.delivery.create" and newest["status"] == "402" and newest["code"] == "236"
        assert page.not_reloaded()

        from selenium.webdriver.support.ui import Select

        Select(page.find("#filter-operation")).select_by_value("navixy.delivery.create")
        page.wait(lambda: [r["operation"] for r in page.journal_rows()] == ["navixy.delivery.create"] * 2,
                  "only the create calls")
        page.type_into("#filter-status", "4xx")
        page.wait(lambda: [r["status"] for r in page.journal_rows()] == ["402"], "only the refused create")

        # a row opens to show both bodies
        page.click("#journal-rows tr.call")
        page.wait_js("return document.querySelector('#journal-rows tr.bodies') !== null", "the bodies")
        assert NO_TARIFF in page.find("pre.request-body").text
        assert '"code": 236' in page.find("pre.response-body").text

        # a filter the server refuses says why, and nothing is silently ignored
        page.type_into("#filter-status", "abc")
        page.wait(lambda: "status must be" in page.find("#filter-problem").text, "the refused filter")


XSS = "<img/src/onerror=window.inspectorPwned=1>"
XSS_ORDER = "ЗАК-<img/src/onerror=window.inspectorPwned=2>"  # order numbers are any text
MARKUP_WORLD = {
    "name": "markup-in-the-data",
    "description": "Data that looks like markup",
    "clock": {"start": "2024-06-01T09:00:00Z"},
    "state": {"dellin": {
        "appkeys": ["00000000-0000-0000-0000-000000000000"],
        "users": [{
            "login": XSS, "password": "p", "sessions": ["22222222-2222-2222-2222-222222222222"],
            "orders": [{"number": ORDER}, {"number": XSS_ORDER}],
            "subscriptions": [{"id": 7, "url": "https://hooks.example/" + XSS, "orderRoles": ["sender"],
                               "orders": [ORDER, XSS_ORDER]}],
        }],
    }},
    "faults": [{"description": XSS, "webhook": {"url": "https://hooks.example/" + XSS, "fail": "always", "status": 500}}],
}


def test_markup_arriving_in_the_data_shows_as_text_and_never_runs(served, page_for):
    with requests.Session() as http:
        assert http.post(served.url + "/__mock/scenarios", json=MARKUP_WORLD, timeout=10).status_code == 200
        event = http.post(served.url + "/__mock/dellin/events", json={"orderNumber": ORDER, "eventType": "order.state.pickup"},
                          timeout=10)
        assert event.status_code == 200 and len(event.json()["deliveries"]) == 1
        event = http.post(served.url + "/__mock/dellin/events",
                          json={"orderNumber": XSS_ORDER, "eventType": "order.state.pickup"}, timeout=10)
        assert event.status_code == 200 and len(event.json()["deliveries"]) == 1
        http.post(served.url + "/v3/auth/login.json",
                  json={"appkey": "00000000-0000-0000-0000-000000000000", "login": XSS, "password": "wrong"}, timeout=10)
    page = page_for(served.url).open()
    page.live()
    page.wait(lambda: page.subscription_state(7) == "error", "subscription #7 in error")
    page.wait(lambda: len(page.journal_rows()) == 1, "the login call")
    page.click("#journal-rows tr.call")
    page.wait_js("return document.querySelector('#journal-rows tr.bodies') !== null", "the bodies")

    card = page.find('article.subscription[data-subscription="7"]')
    assert card.find_element("css selector", "code.url").text == "https://hooks.example/" + XSS
    lane_titles = page.js("return Array.from(document.querySelectorAll('svg.timeline .lane-label title'))"
                          ".map(function (t) { return t.textContent; })")
    assert "order.state.pickup · " + ORDER in lane_titles
    assert "order.state.pickup · " + XSS_ORDER in lane_titles
    assert XSS in page.find(".dellin-user h3").text
    assert XSS in page.find("#fault-rows").text
    assert XSS in page.find("pre.request-body").text
    # nothing was parsed as markup: no image element anywhere, and no handler ran
    assert page.js("return document.querySelectorAll('img').length") == 0
    assert page.js("return window.inspectorPwned === undefined")


def test_behind_an_admin_token_the_page_asks_for_it_and_sends_it(page_for):
    with ThreadedServer(create_app(admin_token="s3cret-token")) as server:
        # the data stays behind the token; the page's own files hold none
        assert requests.get(server.url + "/__mock/state", timeout=10).status_code == 401
        page = page_for(server.url).open()
        page.wait(lambda: page.find("#token-form").is_displayed(), "the token form")
        page.type_into("#token-input", "wrong")
        page.click("#token-form button[type=submit]")
        page.wait(lambda: "refused" in page.find("#token-problem").text, "the refused token")
        page.type_into("#token-input", "s3cret-token")
        page.click("#token-form button[type=submit]")
        page.live()
        page.wait_js("return document.querySelectorAll('#navixy-rows tr[data-hash]').length > 0", "the Navixy users")
        assert not page.find("#token-form").is_displayed()
        # hashes are masked to their first and last four characters
        assert page.js("return document.querySelector('#navixy-rows tr').dataset.hash") == "22ea…111b"
        assert MASTER not in page.find("#navixy").text
