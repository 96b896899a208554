"""Property: whatever a client sends to a Navixy endpoint, the answer is a
Navixy envelope (success or error), never a 5xx, and valid per its schema."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app

from ..contract import ContractClient

PATHS = ["/v2/user/session/delivery/create", "/v2/user/session/delivery/read", "/v2/user/session/other"]
HASHES = st.one_of(
    st.sampled_from(["22eac1c27af4be7b9d04da2ce1af111b", "11111111111111111111111111111111", "f" * 32]),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | HASHES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
BODIES = st.one_of(
    JSON_VALUES,
    st.dictionaries(st.sampled_from(["hash", "locale", "x"]), JSON_VALUES, max_size=3),
)

APP = create_app()
APP.test_client_class = ContractClient


def assert_navixy_envelope(response):
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("success"), bool)
    if body["success"]:
        assert response.status_code == 200
    else:
        assert response.status_code >= 400 and isinstance(body["status"]["code"], int)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), body=BODIES)
def test_any_json_body(path, body):
    response = APP.test_client().post(path, data=json.dumps(body), content_type="application/json")
    assert_navixy_envelope(response)


@settings(max_examples=150, deadline=None)
@given(
    path=st.sampled_from(PATHS),
    query=st.dictionaries(st.sampled_from(["hash", "locale", "x"]), st.text(max_size=40), max_size=3),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    # header values a client can send: printable ASCII, no line breaks
    auth=st.one_of(st.none(), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(
        lambda s: "NVX " + s)),
)
def test_any_query_string_and_method(path, query, method, auth):
    headers = {"Authorization": auth} if auth else {}
    response = APP.test_client().open(path, method=method, query_string=query, headers=headers)
    assert_navixy_envelope(response)


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200), content_type=st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "application/octet-stream"]))
def test_any_bytes(raw, content_type):
    response = APP.test_client().post(PATHS[0], data=raw, content_type=content_type or None)
    assert_navixy_envelope(response)
