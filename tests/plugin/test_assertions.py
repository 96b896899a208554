"""The assertion helpers, and the messages they give when they fail."""
from __future__ import annotations

import re

import pytest

from mockserver.testing.assertions import Record, check_count, record_matcher, why_not

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def test_assert_called_failure_lists_the_close_calls_and_why(runner):
    runner.pytester.makepyfile(
        f"""
        import requests

        def test_wrong_hash(mock):
            requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{"1" * 32}"}})
            requests.post(mock.navixy_url + "/user/session/delivery/read", json={{"hash": "{"4" * 32}"}})
            mock.assert_called("navixy.delivery.create", json={{"hash": "{"4" * 32}"}})

        def test_wrong_count(mock):
            for _ in range(2):
                requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            mock.assert_called("navixy.delivery.create", times=1)

        def test_never_called(mock):
            mock.assert_called("dellin.webhooks.update")
        """
    )
    result = runner.run("-p", "no:randomly")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*expected navixy.delivery.create with json={'hash': '4444*'} at least once, found 0 matching of 3 recorded",
            "*close calls and why they did not match:",
            '*POST /v2/user/session/delivery/create (navixy.delivery.create) -> 200: at json.hash: expected "4444*", got "22eac*"',
            '*POST /v2/user/session/delivery/create (navixy.delivery.create) -> 200: at json.hash: expected "4444*", got "1111*"',
        ]
    )
    # the read call is of another operation, so it is not a close call
    assert "(navixy.delivery.read)" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*expected navixy.delivery.create 1 time(s), found 2 matching of 2 recorded", "*matching:"]
    )
    result.stdout.fnmatch_lines(["*expected dellin.webhooks.update at least once, found 0 matching of 0 recorded",
                                 "*nothing was recorded"])


def test_assert_called_passes_and_returns_the_calls(runner):
    runner.pytester.makepyfile(
        f"""
        import re, requests

        def test_ok(mock):
            requests.get(mock.navixy_url + "/user/session/delivery/read", params={{"hash": "{MASTER}"}})
            requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            [call] = mock.assert_called("navixy.delivery.create", times=1, method="post", status=200,
                                        json={{"hash": "{MASTER}"}}, response={{"value": re.compile("^[0-9a-f]{{32}}$")}})
            # the scenario files' matchers, too
            mock.assert_called("navixy.delivery.create", times=1, response={{"value": {{"$regex": "^[0-9a-f]{{32}}$"}},
                                                                             "success": {{"$type": "boolean"}}}})
            assert call.path == "/v2/user/session/delivery/create"
            mock.assert_called("navixy.delivery.read", query={{"hash": "{MASTER}"}}, status=400)
            mock.assert_called(api="navixy", times=2)
            mock.assert_not_called("navixy.delivery.create", status=403)
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_unknown_match_keyword_is_a_type_error(runner):
    runner.pytester.makepyfile(
        """
        import pytest

        def test_typo(mock):
            with pytest.raises(TypeError, match="unknown field.*bdy"):
                mock.assert_called("navixy.delivery.create", bdy={})
        """
    )
    runner.run().assert_outcomes(passed=1)


# ---------------------------------------------------------------- the matcher's reasons
def at_least_four(value):
    return value >= 4


@pytest.mark.parametrize(
    "expected, actual, reason",
    [
        ({"a": 1}, {"a": 1, "b": 2}, ""),
        ({"a": 1}, {"b": 2}, "at json.a: expected 1, got nothing (the key is absent)"),
        ({"a": {"b": [1, 2]}}, {"a": {"b": [1, 3]}}, "at json.a.b[1]: expected 2, got 3"),
        ([1], [1, 2], "at json: expected an array of 1 elements, got \"2 elements: [1, 2]\""),
        (True, 1, "at json: expected true, got 1"),
        (re.compile("^x"), "yz", "at json: expected a string matching /^x/, got \"yz\""),
        (at_least_four, 2, "at json: expected a value for which at_least_four holds, got 2"),
        (at_least_four, 5, ""),
        ({"v": {"$regex": "^x"}}, {"v": "yz"}, "at json.v: expected a string matching /^x/, got \"yz\""),
        ({"v": {"$type": "integer"}}, {"v": "1"}, "at json.v: expected a value of type integer, got \"1\""),
        ({"a": 1, "b": 2}, {"a": 0, "b": 0}, "at json.a: expected 1, got 0; at json.b: expected 2, got 0"),
    ],
)
def test_the_matcher_says_why(expected, actual, reason):
    assert why_not(expected, actual, "json") == reason


def test_delivery_matching_names_the_field_that_differs():
    log = [
        Record(subscription_id=2, event_type="order.state.pickup", outcome="failed", status=500),
        Record(subscription_id=3, event_type="order.state.pickup", outcome="delivered", status=200),
    ]
    assert check_count("a delivery", log, record_matcher({"subscription_id": 3}), 1, repr) == [log[1]]
    with pytest.raises(AssertionError) as failure:
        check_count("a delivery with outcome='delivered'", log, record_matcher({"outcome": "delivered", "subscription_id": 2}),
                    None, lambda e: f"sub {e['subscription_id']}")
    message = str(failure.value)
    assert "found 0 matching of 2 recorded" in message
    assert 'sub 2: at outcome: expected "delivered", got "failed"' in message
    assert "sub 3: at subscription_id: expected 2, got 3" in message


def test_record_reads_fields_as_attributes():
    record = Record(operation="navixy.delivery.read")
    assert record.operation == "navixy.delivery.read"
    with pytest.raises(AttributeError, match="no field 'nope'"):
        record.nope
