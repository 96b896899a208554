"""Paging arithmetic and the order set, for any sizes (Hypothesis)."""
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.app import runtime_of
from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.dellin.model import DellinState
from mockserver.dellin.orderset import OrderSet
from mockserver.dellin.paging import page_of, total_pages
from tests.contract import ContractClient

from .helpers import APPKEY, SESSION, DellinCalls, empty_world


def one_subscription(numbers):
    seed = {
        "appkeys": [APPKEY],
        "users": [{"login": "u", "sessions": [SESSION], "subscriptions": [
            {"id": 1, "url": "https://h.example/", "orderRoles": ["sender"], "orders": numbers}]}],
    }
    return DellinState(seed, clock=Clock("2024-06-01T00:00:00Z"), config=MockConfig())


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 700), per_page=st.integers(1, 100))
def test_walking_the_pages_gives_each_order_exactly_once(size, per_page):
    numbers = [str(n) for n in range(size)]
    state = one_subscription(numbers)
    seen, page, visited = [], 1, 0
    while page is not None:
        current, orders = state.orders_page("u", 1, page=page, per_page=per_page)
        assert current.current == page
        assert 0 < len(orders) <= per_page or size == 0
        assert current.prev == (page - 1 if page > 1 else None)
        seen.extend(orders)
        visited += 1
        page = current.next
    assert seen == numbers
    assert visited == current.total_pages == max(1, -(-size // per_page))


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 10_000), per_page=st.integers(1, 100), data=st.data())
def test_any_page_is_the_matching_slice(size, per_page, data):
    pages = total_pages(size, per_page)
    page = data.draw(st.integers(1, pages))
    current = page_of(size, page, per_page)
    assert current.offset == (page - 1) * per_page
    assert current.offset < size or (size == 0 and page == 1)
    assert (current.next is None) == (page == pages)


operations = st.lists(
    st.tuples(st.sampled_from(["add", "discard", "slice"]), st.integers(0, 40), st.integers(0, 12)),
    max_size=300,
)


@settings(max_examples=100, deadline=None)
@given(ops=operations)
def test_order_set_behaves_like_an_ordered_list(ops):
    orders, model = OrderSet(), []
    for op, value, count in ops:
        number = str(value)
        if op == "add":
            assert orders.add(number) == (number not in model)
            if number not in model:
                model.append(number)
        elif op == "discard":
            assert orders.discard(number) == (number in model)
            if number in model:
                model.remove(number)
        else:
            assert orders.slice(value, count) == model[value : value + count]
        assert len(orders) == len(model)
    assert list(orders) == model
    assert all(n in orders for n in model)


@lru_cache(maxsize=1)
def _shared_app():
    from mockserver import create_app

    app = create_app(scenario=empty_world())
    app.test_client_class = ContractClient
    return app


@settings(max_examples=25, deadline=None)
@given(size=st.integers(0, 60), per_page=st.integers(1, 25))
def test_paging_over_http_gives_each_order_once(size, per_page):
    numbers = [f"{n:05d}" for n in range(size)]
    dellin = empty_world()["state"]["dellin"]
    dellin["users"][0]["subscriptions"] = [
        {"id": 1, "url": "https://h.example/", "orderRoles": ["sender"], "orders": numbers}]
    app = _shared_app()
    runtime_of(app).replace_state({"dellin": dellin})
    assert DellinCalls(app.test_client()).all_orders(1, per_page=per_page) == numbers
