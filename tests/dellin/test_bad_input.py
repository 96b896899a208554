"""Bodies that cannot be read, and methods and paths that do not exist: each
answers in Dellin's envelope with its documented code, and changes nothing."""
import pytest

from .helpers import APPKEY, SESSION, codes_of, first_error

PATHS = [
    "/v3/auth/login.json",
    "/v3/auth/logout.json",
    "/v3/auth/session_info.json",
    "/v1/webhooks/update",
    "/v1/webhooks/delete",
    "/v1/webhooks",
    "/v1/webhooks/2",
    "/v1/webhooks/2/orders/add",
    "/v1/webhooks/2/orders/delete",
    "/v1/webhooks/2/orders",
]
MiB = 1024 * 1024

BAD_BODIES = {
    "malformed JSON": ("application/json", b'{"appkey": ', 101008, 401),
    "trailing garbage": ("application/json", b'{"appkey": "x"} x', 101008, 401),
    "NaN": ("application/json", b'{"page": NaN}', 101008, 401),
    "array": ("application/json", b"[1, 2]", 101008, 401),
    "string": ("application/json", b'"appkey"', 101008, 401),
    "null": ("application/json", b"null", 101008, 401),
    "not UTF-8": ("application/json", b'{"appkey": "\xff\xfe"}', 101008, 401),
    "deeply nested": ("application/json", b"[" * 100_000 + b"]" * 100_000, 101008, 401),
    "over 1 MiB": ("application/json", b'{"appkey": "' + b"x" * MiB + b'"}', 130009, 400),
    "form": ("application/x-www-form-urlencoded", b"appkey=x&sessionID=y", 100001, 415),
    "text": ("text/plain", b'{"appkey": "x"}', 100001, 415),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_unreadable_bodies(client, runtime, path, case):
    content_type, data, code, status = BAD_BODIES[case]
    before = runtime.dump_state()
    response = client.post(path, data=data, content_type=content_type)
    assert (response.status_code, codes_of(response)) == (status, [code])
    assert response.json["metadata"]["status"] == status
    assert first_error(response)["fields"] == ["body"]
    assert runtime.dump_state() == before


@pytest.mark.parametrize("path", PATHS)
def test_an_empty_body_names_the_missing_parameters(client, path):
    response = client.post(path)
    # no appkey first: 101001, HTTP 401; the other parameters follow (110003)
    assert response.status_code == 401
    assert codes_of(response)[0] == 101001 and first_error(response)["fields"] == ["appkey"]
    assert set(codes_of(response)) <= {101001, 101003, 110003}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_only_post_is_accepted(client, runtime, path, method):
    before = runtime.dump_state()
    response = client.open(path, method=method, json={"appkey": APPKEY, "sessionID": SESSION})
    # the table has no 405: "Метод не найден" (ours), saying what the method takes
    assert (response.status_code, codes_of(response)) == (404, [100002])
    assert response.headers["Allow"] == "POST" and first_error(response)["validValues"] == ["POST"]
    assert runtime.dump_state() == before


@pytest.mark.parametrize("path", ["/v1/webhook", "/v1/webhooks/2/order", "/v3/auth/login", "/v1/webhooks/2/orders/add/x"])
def test_unknown_paths(client, path):
    response = client.post(path, json={"appkey": APPKEY, "sessionID": SESSION})
    assert (response.status_code, codes_of(response)) == (404, [100002])


@pytest.mark.parametrize("path", PATHS)
def test_non_string_credentials(client, path):
    response = client.post(path, json={"appkey": 1, "sessionID": ["x"], "login": None, "password": {}})
    assert response.status_code == 400
    wrong_types = {e["fields"][0] for e in response.json["errors"] if e["code"] == 110002}
    assert "appkey" in wrong_types


def test_unknown_parameters_are_tolerated_when_validation_is_relaxed():
    from mockserver import create_app
    from tests.contract import ContractClient

    app = create_app(validate_requests=False)
    app.test_client_class = ContractClient
    response = app.test_client().post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": SESSION, "extra": 1})
    assert response.status_code == 200


# ---------------------------------------------------------------- big bodies stay cheap and answers stay small
BIG = [
    ("/v1/webhooks/delete", {"ids": [1] * 100_000}, 110006, "ids"),
    ("/v1/webhooks/2/orders/add", {"orderNumbers": ["a", "b"] * 50_000}, 110006, "orderNumbers"),
    ("/v1/webhooks/update", {"url": "https://h.example/", "orderRoles": ["sender"] * 50_000}, 110006, "orderRoles"),
    ("/v1/webhooks/update", {"url": "https://h.example/", "orderRoles": ["sender"],
                             "eventTypes": ["order.state.pickup"] * 40_000}, 110006, "eventTypes"),
    ("/v1/webhooks/2/orders", {"orderNumber": "1" * 500_000}, 110001, "orderNumber"),
    ("/v1/webhooks/update", {"url": "https://h.example/", "orderRoles": ["sender"], "state": "x" * 500_000}, 130008, "state"),
    ("/v1/webhooks/update", {"url": "https://h.example/", "orderRoles": [["a"] * 50_000]}, 110002, "orderRoles"),
    ("/v1/webhooks", {f"k{i}": 1 for i in range(50_000)}, 110008, "k0"),
]


@pytest.mark.parametrize("path, params, code, field", BIG)
def test_big_bad_bodies_get_a_short_answer(client, runtime, path, params, code, field):
    before = runtime.dump_state()
    response = client.post(path, json={"appkey": APPKEY, "sessionID": SESSION, **params})
    assert response.status_code == 400
    assert codes_of(response)[0] == code
    assert first_error(response)["fields"] == [field]
    assert len(response.data) < 8_000
    assert runtime.dump_state() == before


def test_a_mistyped_role_is_a_type_error_only(client):
    response = client.post("/v1/webhooks/update", json={
        "appkey": APPKEY, "sessionID": SESSION, "url": "https://h.example/", "orderRoles": ["sender", 5]})
    assert codes_of(response) == [110002]
    assert first_error(response)["detail"] == "orderRoles[1] must be a string, not integer"
