"""The Dellin model without HTTP: seeds, dumps, the order set and event matching."""
import copy

import pytest

from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.dellin.model import DellinSeedError, DellinState, Subscription
from mockserver.dellin.orderset import BLOCK, OrderSet
from mockserver.dellin.errors import DellinError

from .helpers import APPKEY, SESSION

START = "2024-06-01T09:00:00Z"


def state(seed, **config):
    return DellinState(seed, clock=Clock(START), config=MockConfig(**config))


SEED = {
    "appkeys": [APPKEY],
    "event_types": ["order.custom.thing"],
    "users": [
        {
            "login": "a@info.ru",
            "password": "p",
            "sessions": [SESSION],
            "orders": [{"number": "1", "roles": ["sender"]}, {"number": "2"}],
            "subscriptions": [
                {"id": 4, "url": "https://h.example/a", "orderRoles": ["sender", "payer"], "orders": ["1", "2", "3"]},
                {"id": 7, "url": "https://h.example/b", "eventTypes": ["order.custom.thing"], "orderRoles": ["receiver"],
                 "state": "error", "orders": ["1"], "failures": 2},
            ],
        },
        {"login": "b@info.ru", "subscriptions": [
            {"id": 9, "url": "https://h.example/c", "orderRoles": ["customer"], "state": "disabled", "orders": ["1"]}]},
    ],
}


def test_seed_round_trips_through_to_dict():
    first = state(copy.deepcopy(SEED))
    dumped = first.to_dict()
    assert dumped["next_subscription_id"] == 10
    again = state(copy.deepcopy(dumped))
    assert again.to_dict() == dumped
    sub = again.subscriptions[7]
    assert (sub.owner, sub.state, sub.failures, sub.event_types) == ("a@info.ru", "error", 2, ["order.custom.thing"])
    assert list(again.subscriptions[4].orders) == ["1", "2", "3"]


def test_interface_for_the_delivery_engine():
    s = state(copy.deepcopy(SEED))
    assert isinstance(s.subscriptions[4], Subscription)
    assert s.subscriptions[4].event_types is None
    assert "2" in s.subscriptions[4].orders
    assert s.users["a@info.ru"].orders == {"1": ["sender"], "2": None}
    assert s.event_types()[-1] == "order.custom.thing"
    assert "order.state.pickup" in s.event_types()


def test_subscriptions_for_event_match_state_type_order_and_roles():
    s = state(copy.deepcopy(SEED))
    # order 1: user a is sender; sub 4 (sender, payer) matches on sender; sub 7 wants receiver; sub 9 is disabled
    assert [(sub.id, roles) for sub, roles in s.subscriptions_for_event("1", "order.state.pickup")] == [(4, ["sender"])]
    # order 2: roles unknown, every role matches
    assert [(sub.id, roles) for sub, roles in s.subscriptions_for_event("2", "order.state.pickup")] == [
        (4, ["sender", "payer"])]
    # sub 7 (error state still delivers) covers only its own type
    assert [(sub.id, roles) for sub, roles in s.subscriptions_for_event("1", "order.custom.thing", roles=["receiver"])] == [
        (7, ["receiver"])]
    assert s.subscriptions_for_event("404", "order.state.pickup") == []


@pytest.mark.parametrize("receive, expected", [(True, [7]), (False, [])])
def test_whether_a_subscription_in_error_hears_of_new_events_is_a_setting(receive, expected):
    s = state(copy.deepcopy(SEED), error_subscriptions_receive_new_events=receive)
    found = s.subscriptions_for_event("1", "order.custom.thing", roles=["receiver"])
    assert [sub.id for sub, _ in found] == expected
    assert [sub.id for sub, _ in s.subscriptions_for_event("1", "order.state.pickup")] == [4]  # enabled: always


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["users"][1]["subscriptions"][0].update(id=4), "appears twice"),
        (lambda d: d["users"][1].update(login="a@info.ru"), "appears twice"),
        (lambda d: d["users"][1].update(sessions=[SESSION]), "appears twice"),
        (lambda d: d["users"][0]["subscriptions"][0].update(eventTypes=["order.state.lost"]), "event-type directory"),
        (lambda d: d["users"][0]["subscriptions"][0].update(url="http://h.example/"), "https"),
        (lambda d: d.update(next_subscription_id=9), "above the highest"),
    ],
)
def test_seeds_that_do_not_hold_together(change, message):
    seed = copy.deepcopy(SEED)
    change(seed)
    with pytest.raises(DellinSeedError, match=message):
        state(seed)


def test_http_seed_is_fine_when_http_is_allowed():
    seed = copy.deepcopy(SEED)
    seed["users"][0]["subscriptions"][0]["url"] = "http://127.0.0.1:1/"
    assert state(seed, allow_http_webhooks=True).subscriptions[4].url == "http://127.0.0.1:1/"


def test_a_failed_create_changes_nothing():
    s = state(copy.deepcopy(SEED))
    before = s.to_dict()
    with pytest.raises(DellinError):
        s.create_subscription("a@info.ru", url="https://ok.example/", event_types=["order.state.lost"],
                              order_roles=["sender"])
    assert s.to_dict() == before


def test_seeded_sessions_expire_after_the_lifetime_from_load():
    clock = Clock(START)
    s = DellinState(copy.deepcopy(SEED), clock=clock, config=MockConfig(dellin_session_ttl_seconds=10))
    assert s.authenticate(APPKEY, SESSION).login == "a@info.ru"
    clock.advance(10)
    with pytest.raises(DellinError) as info:
        s.authenticate(APPKEY, SESSION)
    assert info.value.problems[0].code == 101004


# ---------------------------------------------------------------- the order set
def test_order_set_keeps_first_insertion_order_and_ignores_repeats():
    orders = OrderSet(["b", "a"])
    assert orders.add("c") is True
    assert orders.add("a") is False
    assert list(orders) == ["b", "a", "c"]
    assert orders.discard("a") is True
    assert orders.discard("a") is False
    assert list(orders) == ["b", "c"] and len(orders) == 2
    assert "b" in orders and "a" not in orders


def test_order_set_slices_across_blocks_and_packs_after_many_deletes():
    numbers = [str(n) for n in range(BLOCK * 10 + 7)]
    orders = OrderSet(numbers)
    assert orders.slice(BLOCK - 3, 10) == numbers[BLOCK - 3 : BLOCK + 7]
    assert orders.slice(len(numbers) - 2, 10) == numbers[-2:]
    assert orders.slice(len(numbers), 10) == []
    kept = numbers[::9]
    for number in numbers:
        if number not in kept:
            orders.discard(number)
    assert list(orders) == kept
    assert orders.slice(5, 3) == kept[5:8]
    for number in kept[:-1]:
        orders.discard(number)
    assert list(orders) == kept[-1:]
    orders.add("new")
    assert orders.slice(0, 5) == [kept[-1], "new"]


def test_order_set_equality_and_repr():
    assert OrderSet(["1", "2"]) == OrderSet(["1", "2"])
    assert OrderSet(["1", "2"]) != OrderSet(["2", "1"])
    assert "size=7" in repr(OrderSet(map(str, range(7))))


def test_order_set_keeps_numbers_exactly_as_given():
    # canonical decimal numbers are stored compactly, others as they are; all read back unchanged
    given = ["8216702228554", "0123", "12-34", "abc", "1", "9" * 30, "82167022285540"]
    orders = OrderSet(given)
    assert list(orders) == given
    assert orders.slice(0, 10) == given
    assert all(number in orders for number in given)
    assert "123" not in orders and 8216702228554 not in orders and "" not in orders
    assert orders.discard("0123") and not orders.discard("123")
    assert list(orders) == [n for n in given if n != "0123"]
    with pytest.raises(TypeError):
        orders.add(5)


def test_left_out_keys_take_the_documented_defaults():
    s = state({"users": [{"login": "a@info.ru", "subscriptions": [{"id": 3}, {}, {"orders": ["1"]}]},
                         {"login": "b@info.ru", "subscriptions": [{"url": "https://h.example/b"}]}]})
    assert s.appkeys == ["00000000-0000-0000-0000-000000000000"]  # the docs' appkey
    a_subs = s.subscriptions_of("a@info.ru")
    # id-less ones get theirs as if created now, in seed order, after every given id
    assert [sub.id for sub in a_subs] == [3, 4, 5]
    assert [sub.id for sub in s.subscriptions_of("b@info.ru")] == [6]
    assert s.next_subscription_id == 7
    second = a_subs[1]
    assert (second.url, second.order_roles, second.event_types, second.state, list(second.orders)) == (
        "https://hooks.example/dellin", ["sender"], None, "enabled", [])
    assert list(a_subs[2].orders) == ["1"]
    # a dump names every value, so it loads back as it was
    assert state(s.to_dict()).to_dict() == s.to_dict()


def test_an_empty_appkey_list_accepts_none():
    s = state({"appkeys": [], "users": [{"login": "a@info.ru", "password": "p"}]})
    with pytest.raises(DellinError) as caught:
        s.login("00000000-0000-0000-0000-000000000000", "a@info.ru", "p")
    assert caught.value.problems[0].code == 101002


def test_id_less_subscriptions_start_at_a_given_next_id():
    s = state({"next_subscription_id": 20, "users": [{"login": "a@info.ru", "subscriptions": [{"id": 2}, {}]}]})
    assert [sub.id for sub in s.subscriptions_of("a@info.ru")] == [2, 20]
    assert s.next_subscription_id == 21
