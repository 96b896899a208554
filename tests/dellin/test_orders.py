"""Orders in a subscription: add, delete, the orderNumber check and paging."""
import pytest

from mockserver import create_app
from tests.contract import ContractClient

from .helpers import DellinCalls, codes_of, empty_world, first_error


def add(calls, sub_id, *numbers):
    return calls.post(f"/v1/webhooks/{sub_id}/orders/add", orderNumbers=list(numbers))


def remove(calls, sub_id, *numbers):
    return calls.post(f"/v1/webhooks/{sub_id}/orders/delete", orderNumbers=list(numbers))


def test_add_and_delete_answer_metadata_alone_and_keep_insertion_order(dellin):
    response = add(dellin, 2, "100", "101", "102")
    assert response.status_code == 200
    # the docs' example: {"metadata": {"status": 200, "generated_at": ...}} and nothing else
    assert response.json == {"metadata": {"status": 200, "generated_at": "2024-06-01 09:00:00"}}
    assert dellin.all_orders(2) == ["8216702228554", "100", "101", "102"]
    response = remove(dellin, 2, "101")
    assert response.json == {"metadata": {"status": 200, "generated_at": "2024-06-01 09:00:00"}}
    assert dellin.all_orders(2) == ["8216702228554", "100", "102"]


def test_add_is_idempotent_and_does_not_move_an_order(dellin):
    add(dellin, 2, "100", "101")
    assert add(dellin, 2, "8216702228554", "100").status_code == 200
    assert dellin.all_orders(2) == ["8216702228554", "100", "101"]


def test_deleting_an_absent_order_is_not_an_error(dellin):
    assert remove(dellin, 2, "404", "8216702228554").status_code == 200
    assert dellin.all_orders(2) == []
    assert remove(dellin, 2, "404").status_code == 200


@pytest.mark.parametrize("action", [add, remove])
def test_five_orders_per_call_and_not_six(dellin, runtime, action):
    five = [str(n) for n in range(1000, 1005)]
    assert action(dellin, 3, *five).status_code == 200
    before = runtime.dump_state()
    response = action(dellin, 3, *five, "1005")
    assert (response.status_code, codes_of(response)) == (400, [110006])
    assert first_error(response)["fields"] == ["orderNumbers"]
    assert runtime.dump_state() == before


@pytest.mark.parametrize(
    "numbers, code",
    [
        ([], 110003),
        ("8216702228554", 110002),
        ([8216702228554], 110002),
        ([None], 110002),
        (["ok", ["nested"]], 110002),
        (["1", "1"], 130008),
        ([""], 110001),
        (["x" * 256], 110001),
    ],
)
@pytest.mark.parametrize("path", ["add", "delete"])
def test_bad_order_numbers_change_nothing(dellin, runtime, numbers, code, path):
    before = runtime.dump_state()
    response = dellin.post(f"/v1/webhooks/2/orders/{path}", orderNumbers=numbers)
    assert response.status_code == 400
    assert codes_of(response) == [code]
    assert first_error(response)["fields"] == ["orderNumbers"]
    assert runtime.dump_state() == before


def test_order_number_typo_is_an_unknown_parameter(dellin):
    response = dellin.post("/v1/webhooks/2/orders/add", orderNumber=["1"])
    assert sorted(codes_of(response)) == [110003, 110008]


def test_unknown_subscription_in_the_path(dellin):
    for path in ("/v1/webhooks/77/orders", "/v1/webhooks/77/orders/add", "/v1/webhooks/77/orders/delete"):
        response = dellin.post(path, orderNumbers=["1"]) if path.endswith(("add", "delete")) else dellin.post(path)
        # 110007 "Объект не существует" is HTTP 400 in the docs' table
        assert (response.status_code, codes_of(response)) == (400, [110007])


@pytest.mark.parametrize("path_id, code", [("abc", 110001), ("0", 110001), ("-1", 110001), ("01", 110001),
                                           ("2147483648", 130008), ("99999999999999999999", 130008)])
def test_malformed_path_id(dellin, path_id, code):
    response = dellin.post(f"/v1/webhooks/{path_id}/orders")
    assert (response.status_code, codes_of(response)) == (400, [code])
    assert first_error(response)["fields"] == ["id"]


# ---------------------------------------------------------------- the orderNumber check
def test_order_number_check_gives_the_number_or_nothing(dellin):
    found = dellin.post("/v1/webhooks/2/orders", orderNumber="8216702228554")
    assert found.status_code == 200
    assert found.json["orders"] == ["8216702228554"]
    assert found.json["metadata"] == {"status": 200, "generated_at": "2024-06-01 09:00:00", "currentPage": 1,
                                      "nextPage": None, "prevPage": None, "totalPages": 1}
    missing = dellin.post("/v1/webhooks/2/orders", orderNumber="8216702228555")
    assert missing.json["orders"] == []


@pytest.mark.parametrize("value, code", [(8216702228554, 110002), (["8216702228554"], 110002), ("", 110001),
                                         ("x" * 256, 110001)])
def test_order_number_check_types(dellin, value, code):
    response = dellin.post("/v1/webhooks/2/orders", orderNumber=value)
    assert codes_of(response) == [code]
    assert first_error(response)["fields"] == ["orderNumber"]


# ---------------------------------------------------------------- paging
@pytest.fixture
def filled():
    """Subscription 1 with 250 orders, 0000..0249, seeded by a scenario."""
    numbers = [f"{n:04d}" for n in range(250)]
    scenario = empty_world()
    scenario["state"]["dellin"]["users"][0]["subscriptions"] = [
        {"id": 1, "url": "https://hooks.example/big", "orderRoles": ["sender"], "orders": numbers}
    ]
    app = create_app(scenario=scenario)
    app.test_client_class = ContractClient
    return DellinCalls(app.test_client()), 1, numbers


def test_default_page_is_the_first_hundred(filled):
    calls, sub_id, numbers = filled
    response = calls.post(f"/v1/webhooks/{sub_id}/orders")
    assert response.json["orders"] == numbers[:100]
    metadata = response.json["metadata"]
    assert (metadata["currentPage"], metadata["nextPage"], metadata["prevPage"], metadata["totalPages"]) == (1, 2, None, 3)


def test_middle_and_last_pages(filled):
    calls, sub_id, numbers = filled
    middle = calls.post(f"/v1/webhooks/{sub_id}/orders", page=2)
    assert middle.json["orders"] == numbers[100:200]
    assert (middle.json["metadata"]["prevPage"], middle.json["metadata"]["nextPage"]) == (1, 3)
    last = calls.post(f"/v1/webhooks/{sub_id}/orders", page=3)
    assert last.json["orders"] == numbers[200:]
    assert (last.json["metadata"]["prevPage"], last.json["metadata"]["nextPage"]) == (2, None)


@pytest.mark.parametrize("per_page, pages", [(1, 250), (100, 3)])
def test_per_page_edges_that_are_allowed(filled, per_page, pages):
    calls, sub_id, numbers = filled
    response = calls.post(f"/v1/webhooks/{sub_id}/orders", perPage=per_page)
    assert response.status_code == 200
    assert response.json["orders"] == numbers[:per_page]
    assert response.json["metadata"]["totalPages"] == pages
    assert calls.all_orders(sub_id, per_page=per_page) == numbers


@pytest.mark.parametrize(
    "params, code, field",
    [
        ({"perPage": 0}, 130008, "perPage"),
        ({"perPage": 101}, 130008, "perPage"),
        ({"perPage": -5}, 130008, "perPage"),
        ({"perPage": "10"}, 110002, "perPage"),
        ({"perPage": 10.5}, 110002, "perPage"),
        ({"perPage": None}, 110002, "perPage"),
        ({"page": "2"}, 110002, "page"),
        ({"page": [2]}, 110002, "page"),
        ({"page": True}, 110002, "page"),
    ],
)
def test_bad_paging_parameters(filled, params, code, field):
    calls, sub_id, _ = filled
    response = calls.post(f"/v1/webhooks/{sub_id}/orders", **params)
    assert response.status_code == 400
    assert codes_of(response) == [code]
    assert first_error(response)["fields"] == [field]


def test_an_empty_subscription_has_one_empty_page(empty):
    sub_id = empty.create()
    response = empty.post(f"/v1/webhooks/{sub_id}/orders")
    assert response.json["orders"] == []
    assert response.json["metadata"]["totalPages"] == 1
    past = empty.post(f"/v1/webhooks/{sub_id}/orders", page=2)
    assert (past.status_code, past.json["orders"], past.json["metadata"]["totalPages"]) == (200, [], 1)


def test_integral_floats_are_integers(filled):
    # JSON Schema counts 2.0 as an integer, so the mock does too
    calls, sub_id, numbers = filled
    response = calls.post(f"/v1/webhooks/{sub_id}/orders", page=2.0, perPage=100.0)
    assert response.json["orders"] == numbers[100:200]


@pytest.mark.parametrize("page", [4, 2147483647, 10**30])
def test_a_page_past_the_last_is_empty_and_says_the_real_total(filled, page):
    calls, sub_id, _ = filled
    response = calls.post(f"/v1/webhooks/{sub_id}/orders", page=page)
    assert response.status_code == 200
    assert response.json["orders"] == []
    assert response.json["metadata"] == {"status": 200, "generated_at": "2024-06-01 09:00:00", "currentPage": page,
                                         "nextPage": None, "prevPage": 3, "totalPages": 3}


@pytest.mark.parametrize("page", [0, -1])
def test_a_page_below_one_reads_as_the_first(filled, page):
    calls, sub_id, numbers = filled
    response = calls.post(f"/v1/webhooks/{sub_id}/orders", page=page)
    assert response.status_code == 200
    assert response.json["orders"] == numbers[:100] and response.json["metadata"]["currentPage"] == 1


def test_the_docs_own_order_check_is_answered_whatever_the_paging(dellin):
    # the docs' request: {"orderNumber": "8216702228554", "page": 2, "perPage": 10}
    found = dellin.post("/v1/webhooks/2/orders", orderNumber="8216702228554", page=2, perPage=10)
    assert found.status_code == 200
    assert found.json["orders"] == ["8216702228554"]
    assert found.json["metadata"]["totalPages"] == 1
    missing = dellin.post("/v1/webhooks/2/orders", orderNumber="0000-123456/2024", page=7, perPage=1)
    assert (missing.status_code, missing.json["orders"]) == (200, [])


@pytest.mark.parametrize("number", ["0000-123456/2024", "ЗАК-123/45", "has space", "x" * 255, "8216702228554"])
def test_real_order_number_formats_are_accepted(dellin, number):
    assert add(dellin, 2, number).status_code == 200
    assert number in dellin.all_orders(2)
    assert dellin.post("/v1/webhooks/2/orders", orderNumber=number).json["orders"] == [number]
    assert remove(dellin, 2, number).status_code == 200
    assert number not in dellin.all_orders(2)
