"""Webhook URLs that no notification could ever reach are refused when the
subscription is created or updated (110001, nothing changed), not left to fail
every delivery; the same URLs in a scenario's state are a scenario problem."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.dellin import rules
from mockserver.dellin.errors import DellinError
from mockserver.scenario.loader import ScenarioError, load

from .helpers import HOOK, codes_of, empty_world, first_error

UPDATE = "/v1/webhooks/update"

UNSENDABLE = {
    "empty label": "https://x..example/",
    "leading dot": "https://.example/",
    "two final dots": "https://x.example../",
    "label starting with a hyphen": "https://-bad.example/",
    "label ending with a hyphen": "https://bad-.example/",
    "label of 64 characters": "https://" + "a" * 64 + ".example/",
    "host of 254 characters": "https://" + ".".join(["a" * 62] * 4) + ".ab/",
    "zero-width space in the host": "https://x\u200b.example/",
    "zero-width space in the path": "https://x.example/\u200b",
    "byte-order mark in the path": "https://x.example/a\ufeff",
    "right-to-left mark in the query": "https://x.example/?a=\u200f",
    "NUL in the path": "https://x.example/\u0000",
    "DEL in the path": "https://x.example/\x7f",
    "C1 control in the query": "https://x.example/?\x85",
    "port 0": "https://x.example:0/h",
    "two @ in the authority": "https://a@b@x.example/",
    "backslash before @": "https://x.example\\@evil.com/",
    "user and password": "https://user:pw@x.example/",
    "empty user": "https://@x.example/",
    "password only": "https://:pw@x.example/",
    "characters no host name has": "https://x!y.example/",
    "percent-encoded host": "https://x%2Ey.example/",
    "invalid IDNA": "https://x\u00ad.example/",
    "invalid IDNA symbol": "https://\u2603\u2603.example/",
}
SENDABLE = [
    "https://hooks.example/dellin",
    "https://x.example./absolute",  # a final dot marks an absolute name
    "https://пример.рф/",  # IDN, sent as xn--e1afmkfd.xn--p1ai
    "https://xn--e1afmkfd.xn--p1ai/",
    "https://münchen.example/путь?q=значение",
    "https://" + "a" * 63 + ".example/",
    "https://" + ".".join(["a" * 63] * 3) + "." + "a" * 61 + "/",  # 253 characters
    "https://localhost:8443/hook",
    "https://127.0.0.1/hook",
    "https://[::1]:8443/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://internal_service.example/hook",
    "https://x.example:/empty-port-is-the-default",
    "https://HOOKS.Example/Upper",
]


@pytest.mark.parametrize("url", UNSENDABLE.values(), ids=UNSENDABLE.keys())
def test_an_unsendable_url_is_refused_on_create_and_on_update(dellin, url):
    before = dellin.subscriptions()
    for extra in ({}, {"id": 2}):
        response = dellin.post(UPDATE, url=url, orderRoles=["sender"], **extra)
        assert (response.status_code, codes_of(response)) == (400, [110001]), response.json
        assert first_error(response)["fields"] == ["url"]
        assert first_error(response)["badValues"] == [url]
    assert dellin.subscriptions() == before


@pytest.mark.parametrize("url", SENDABLE)
def test_a_sendable_url_is_accepted_as_given(dellin, url):
    created = dellin.post(UPDATE, url=url, orderRoles=["sender"])
    assert created.status_code == 200, created.json
    assert created.json["data"]["url"] == url
    updated = dellin.post(UPDATE, id=2, url=url, orderRoles=["sender"])
    assert updated.status_code == 200, updated.json


def test_the_messages_say_what_is_wrong(dellin):
    def detail(url):
        return first_error(dellin.post(UPDATE, url=url, orderRoles=["sender"]))["detail"]

    assert detail("https://x..example/") == "url host 'x..example': has an empty label (two dots in a row, or a dot at the start)"
    assert detail("https://x.example/\u200b") == "url contains a control or invisible character (U+200B)"
    assert detail("https://a@b@x.example/") == "url must not carry a user name or password (user@host)"
    assert detail("https://x.example:0/") == "url has port 0, on which no receiver can listen"
    assert detail("https://" + "a" * 64 + ".example/").endswith("has a label of 64 characters; at most 63")


def test_an_unsendable_url_in_a_scenario_state_is_a_scenario_problem():
    scenario = empty_world()
    scenario["state"]["dellin"]["users"][0]["subscriptions"] = [{"id": 1, "url": "https://a@b@x.example/"}]
    with pytest.raises(ScenarioError, match=r"at state\.dellin\.users\[0\]\.subscriptions\[0\]: url must not carry"):
        load(scenario)


def test_the_existing_checks_still_apply(dellin):
    for url in ["http://hooks.example/x", "https://", "https://exa mple.com/", "https://host:99999/",
                "https://x.example/" + "a" * 2048]:
        response = dellin.post(UPDATE, url=url, orderRoles=["sender"])
        assert (response.status_code, codes_of(response)) == (400, [110001]), (url, response.json)
    http = first_error(dellin.post(UPDATE, url="http://hooks.example/x", orderRoles=["sender"]))
    # a webhook-specific problem links to the webhook page
    assert http["validValues"] == ["https"] and http["link"] == "https://dev.dellin.ru/api/orders/webhook/"
    assert dellin.post(UPDATE, url=HOOK, orderRoles=["sender"]).status_code == 200


@settings(max_examples=150, deadline=None)
@given(url=st.text(max_size=40).map(lambda tail: "https://" + tail))
def test_the_check_never_fails_otherwise_than_with_a_dellin_error(url):
    try:
        rules.check_url(url, allow_http=False)
    except DellinError as exc:
        assert exc.problems[0].code == 110001
