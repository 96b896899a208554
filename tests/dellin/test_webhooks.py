"""The subscription endpoints: update (create/change), delete, list, get."""
import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from tests.contract import ContractClient

from .helpers import HOOK, OTHER_SESSION, DellinCalls, codes_of, empty_world, first_error

UPDATE = "/v1/webhooks/update"


def test_the_docs_example_changes_subscription_2(dellin):
    # the docs' request, verbatim apart from the URL (id as a string)
    response = dellin.post(UPDATE, id="2", url="https://webhook.site", eventTypes=["order.state.pickup"],
                           orderRoles=["sender"], state="enabled")
    assert response.status_code == 200
    assert response.json == {
        "metadata": {"status": 200, "generated_at": "2024-06-01 09:00:00"},
        "data": {"id": 2, "url": "https://webhook.site", "eventTypes": ["order.state.pickup"],
                 "orderRoles": ["sender"], "state": "enabled"},
    }


def test_create_without_id_gives_the_next_id_and_defaults(dellin):
    response = dellin.post(UPDATE, url=HOOK, orderRoles=["payer", "sender"])
    assert response.status_code == 200
    # the default scenario's highest id is 5 (another user's); ids are global and never reused
    assert response.json["data"] == {"id": 6, "url": HOOK, "orderRoles": ["payer", "sender"], "state": "enabled"}
    assert [s["id"] for s in dellin.subscriptions()] == [2, 3, 6]


def test_list_and_get(dellin):
    listed = dellin.subscriptions()
    assert listed == [
        {"id": 2, "url": "https://hooks.example/dellin", "eventTypes": ["order.state.pickup"],
         "orderRoles": ["sender"], "state": "enabled"},
        {"id": 3, "url": "https://hooks.example/dellin-all", "orderRoles": ["receiver", "payer"], "state": "disabled"},
    ]
    one = dellin.post("/v1/webhooks/3")
    assert one.status_code == 200
    assert one.json["data"] == listed[1]


def test_change_with_an_integer_id_replaces_the_settings(dellin):
    response = dellin.post(UPDATE, id=2, url="https://hooks.example/changed", orderRoles=["receiver"])
    assert response.status_code == 200
    # eventTypes left out: every type; state left out: unchanged
    assert response.json["data"] == {"id": 2, "url": "https://hooks.example/changed", "orderRoles": ["receiver"],
                                     "state": "enabled"}
    assert dellin.post("/v1/webhooks/2").json["data"] == response.json["data"]


def test_absent_state_keeps_disabled(dellin):
    response = dellin.post(UPDATE, id=3, url=HOOK, orderRoles=["sender"])
    assert response.json["data"]["state"] == "disabled"


def test_enabling_resets_the_failure_count(app, dellin, runtime):
    with runtime.store.lock:
        sub = runtime.store.dellin.subscriptions[2]
        sub.state, sub.failures = "error", 3
    response = dellin.post(UPDATE, id=2, url=HOOK, orderRoles=["sender"])
    assert response.json["data"]["state"] == "error"  # state left out: kept, and so is the count
    assert runtime.store.dellin.subscriptions[2].failures == 3
    response = dellin.post(UPDATE, id=2, url=HOOK, orderRoles=["sender"], state="enabled")
    assert response.json["data"]["state"] == "enabled"
    assert runtime.store.dellin.subscriptions[2].failures == 0


def test_a_client_cannot_set_error(dellin):
    response = dellin.post(UPDATE, id=2, url=HOOK, orderRoles=["sender"], state="error")
    assert (response.status_code, codes_of(response)) == (400, [130008])
    error = first_error(response)
    assert error["fields"] == ["state"]
    assert error["validValues"] == ["enabled", "disabled"]
    assert error["badValues"] == ["error"]


def test_subscriptions_are_private_to_their_user(dellin):
    other = dellin.as_user(OTHER_SESSION)
    assert [s["id"] for s in other.subscriptions()] == [5]
    for call in (
        lambda: other.post("/v1/webhooks/2"),
        lambda: other.post(UPDATE, id=2, url=HOOK, orderRoles=["sender"]),
        lambda: other.post("/v1/webhooks/delete", ids=[2]),
        lambda: other.post("/v1/webhooks/2/orders"),
        lambda: other.post("/v1/webhooks/2/orders/add", orderNumbers=["1"]),
        lambda: other.post("/v1/webhooks/2/orders/delete", orderNumbers=["8216702228554"]),
    ):
        response = call()
        assert (response.status_code, codes_of(response)) == (400, [110007])
    # and nothing changed for the owner
    assert dellin.post("/v1/webhooks/2").json["data"]["url"] == "https://hooks.example/dellin"
    assert dellin.all_orders(2) == ["8216702228554"]


def test_unknown_id(dellin):
    for response in (dellin.post("/v1/webhooks/99"), dellin.post(UPDATE, id=99, url=HOOK, orderRoles=["sender"])):
        assert (response.status_code, codes_of(response)) == (400, [110007])
        assert first_error(response)["badValues"] == [99]


# ---------------------------------------------------------------- the limit of 10
def test_ten_subscriptions_and_not_eleven(empty):
    ids = [empty.create() for _ in range(10)]
    assert ids == list(range(1, 11))
    response = empty.post(UPDATE, url=HOOK, orderRoles=["sender"])
    assert (response.status_code, codes_of(response)) == (400, [110010])
    assert len(empty.subscriptions()) == 10
    # changing one is still allowed at the limit, and the other user is unaffected
    assert empty.post(UPDATE, id=10, url=HOOK, orderRoles=["payer"]).status_code == 200
    assert empty.as_user(OTHER_SESSION).create() == 11
    # deleting one makes room; the id is not reused
    assert empty.post("/v1/webhooks/delete", ids=[1]).status_code == 200
    assert empty.create() == 12


# ---------------------------------------------------------------- url
@pytest.mark.parametrize("url", ["http://hooks.example/x", "ftp://hooks.example/x", "hooks.example/x"])
def test_url_must_be_https(dellin, url):
    response = dellin.post(UPDATE, url=url, orderRoles=["sender"])
    assert (response.status_code, codes_of(response)) == (400, [110001])
    assert first_error(response)["fields"] == ["url"]
    assert first_error(response)["validValues"] == ["https"]


@pytest.mark.parametrize("url", ["https://", "https://exa mple.com/", "https://host:99999/"])
def test_url_must_be_a_url(dellin, url):
    response = dellin.post(UPDATE, url=url, orderRoles=["sender"])
    assert (response.status_code, codes_of(response)) == (400, [110001])
    assert first_error(response)["fields"] == ["url"]


def test_http_is_allowed_when_configured():
    app = create_app(scenario=empty_world(), allow_http_webhooks=True)
    app.test_client_class = ContractClient
    calls = DellinCalls(app.test_client())
    assert calls.create(url="http://127.0.0.1:9999/hook") == 1
    response = calls.post(UPDATE, url="ftp://127.0.0.1/x", orderRoles=["sender"])
    assert first_error(response)["validValues"] == ["https", "http"]


# ---------------------------------------------------------------- eventTypes and orderRoles
def test_event_types_come_from_the_directory(dellin, runtime):
    response = dellin.post(UPDATE, url=HOOK, orderRoles=["sender"], eventTypes=["order.state.pickup", "order.state.lost"])
    assert (response.status_code, codes_of(response)) == (400, [117004])
    error = first_error(response)
    assert error["badValues"] == ["order.state.lost"]
    assert error["validValues"] == runtime.store.dellin.event_types()
    assert "order.change.pickup_info" in error["validValues"]


def test_ill_formed_event_types_are_unknown_types_too_with_the_directory():
    app = create_app(scenario=empty_world(event_types=["order.custom.thing"]))
    app.test_client_class = ContractClient
    calls = DellinCalls(app.test_client())
    response = calls.post(UPDATE, url=HOOK, orderRoles=["sender"],
                          eventTypes=["order.bogus", "Order.State.Pickup", "order.state.pickup"])
    assert (response.status_code, codes_of(response)) == (400, [117004])
    error = first_error(response)
    assert error["fields"] == ["eventTypes"]
    assert error["badValues"] == ["order.bogus", "Order.State.Pickup"]
    assert error["validValues"] == runtime_of(app).store.dellin.event_types()
    assert "order.custom.thing" in error["validValues"]  # the scenario's own entries too
    assert calls.post("/v1/webhooks").json["data"] == []  # nothing was created


def test_every_directory_type_is_accepted(dellin, runtime):
    types = runtime.store.dellin.event_types()
    response = dellin.post(UPDATE, url=HOOK, orderRoles=["sender"], eventTypes=types)
    assert response.json["data"]["eventTypes"] == types


def test_scenario_event_types_extend_the_directory():
    app = create_app(scenario=empty_world(event_types=["order.custom.thing"]))
    app.test_client_class = ContractClient
    calls = DellinCalls(app.test_client())
    assert calls.create(eventTypes=["order.custom.thing"]) == 1


@pytest.mark.parametrize(
    "params, code, field",
    [
        ({"eventTypes": "order.state.pickup"}, 110002, "eventTypes"),
        ({"eventTypes": []}, 130008, "eventTypes"),
        ({"eventTypes": ["order.state.pickup", "order.state.pickup"]}, 130008, "eventTypes"),
        ({"eventTypes": [5]}, 110002, "eventTypes"),
        ({"orderRoles": []}, 110003, "orderRoles"),
        ({"orderRoles": "sender"}, 110002, "orderRoles"),
        ({"orderRoles": ["sender", "sender"]}, 130008, "orderRoles"),
        ({"url": 5}, 110002, "url"),
        ({"state": "paused"}, 130008, "state"),
        ({"id": True}, 110002, "id"),
        ({"id": 0}, 130008, "id"),
        ({"id": "2a"}, 110001, "id"),
        ({"id": [2]}, 110002, "id"),
        ({"id": 2.5}, 110002, "id"),
        ({"id": 10**20}, 130008, "id"),
        ({"eventType": ["order.state.pickup"]}, 110008, "eventType"),
    ],
)
def test_update_rejects_bad_settings_naming_the_field(dellin, runtime, params, code, field):
    before = runtime.dump_state()
    body = {"url": HOOK, "orderRoles": ["sender"], **params}
    response = dellin.post(UPDATE, **body)
    assert response.status_code == 400
    assert codes_of(response) == [code]
    assert first_error(response)["fields"] == [field]
    assert runtime.dump_state() == before


def test_unknown_roles_list_valid_and_bad_values(dellin):
    response = dellin.post(UPDATE, url=HOOK, orderRoles=["sender", "owner", "boss"])
    error = first_error(response)
    assert (error["code"], error["fields"]) == (130008, ["orderRoles"])
    assert error["validValues"] == ["customer", "sender", "receiver", "payer"]
    assert error["badValues"] == ["owner", "boss"]


def test_missing_required_parameters_are_each_named(dellin):
    response = dellin.client.post(UPDATE, json={"appkey": dellin.appkey})
    # no sessionID comes first: 101003 and its HTTP 401; then the other missing parameters
    assert response.status_code == 401
    assert [(e["code"], e["fields"][0]) for e in response.json["errors"]] == [
        (101003, "sessionID"), (110003, "url"), (110003, "orderRoles")]


# ---------------------------------------------------------------- delete
def test_delete_several(empty):
    ids = [empty.create() for _ in range(3)]
    response = empty.post("/v1/webhooks/delete", ids=[ids[0], str(ids[2])])
    assert response.status_code == 200
    assert response.json == {"metadata": {"status": 200, "generated_at": "2024-06-01 09:00:00"}}  # as the docs show
    assert [s["id"] for s in empty.subscriptions()] == [ids[1]]


@pytest.mark.parametrize(
    "ids, code, bad",
    [
        ([2, 99], 110007, [99]),
        ([2, 5], 110007, [5]),  # another user's
        ([2, "2"], 130008, [2]),
        ([2, 2], 130008, [2]),
        ([], 110003, None),
        ("2", 110002, None),
        ([2, None], 110002, None),
        ([True], 110002, None),
        ([0], 130008, [0]),
        (list(range(1, 102)), 110006, None),
    ],
)
def test_delete_is_all_or_nothing(dellin, runtime, ids, code, bad):
    before = runtime.dump_state()
    response = dellin.post("/v1/webhooks/delete", ids=ids)
    assert codes_of(response) == [code]
    assert first_error(response)["fields"] == ["ids"]
    if bad is not None:
        assert first_error(response)["badValues"] == bad
    assert runtime.dump_state() == before
