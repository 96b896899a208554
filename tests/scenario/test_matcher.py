"""The JSON subset matcher, ${name} substitution and the readable diff."""
import pytest

from mockserver.scenario.matcher import diff, matches, mismatches, pattern_problems
from mockserver.scenario.variables import UnknownVariable, references, substitute


@pytest.mark.parametrize(
    "expected, actual, ok",
    [
        ({"a": 1}, {"a": 1, "b": 2}, True),
        ({"a": 1}, {"a": 2}, False),
        ({"a": 1}, {}, False),
        ({"a": {"b": [1, {"c": "x"}]}}, {"a": {"b": [1, {"c": "x", "d": 0}], "e": 1}}, True),
        ([1, 2], [1, 2], True),
        ([1, 2], [1, 2, 3], False),
        ([1, 2], [2, 1], False),
        ([{"id": 2}], [{"id": 2, "url": "u"}], True),
        (True, 1, False),
        (1, 1.0, True),
        (None, None, True),
        ({"a": None}, {}, False),
        ({"$regex": "^[0-9a-f]{32}$"}, "0123456789abcdef0123456789abcdef", True),
        ({"$regex": "^[0-9a-f]{32}$"}, "XYZ", False),
        ({"$regex": "x"}, 5, False),
        ({"$type": "string"}, "s", True),
        ({"$type": "integer"}, 3, True),
        ({"$type": "integer"}, True, False),
        ({"$type": "number"}, 3, True),
        ({"$type": ["null", "string"]}, None, True),
        ({"$type": "object"}, [], False),
        ({"$type": "array", "$length": 2}, [1, 2], True),
        ({"$length": 100}, list(range(99)), False),
        ({"$type": "string", "$regex": "^a"}, "abc", True),
        ({"v": {"$type": "null"}}, {}, False),
    ],
)
def test_matches(expected, actual, ok):
    assert matches(expected, actual) is ok


def test_mismatches_name_the_path():
    found = mismatches({"json": {"status": {"code": 101}, "list": [1, {"x": {"$regex": "^a"}}]}},
                       {"json": {"status": {"code": 236}, "list": [1, {"x": "b"}]}})
    assert [str(m) for m in found] == [
        "at json.status.code: expected 101, got 236",
        "at json.list[1].x: expected a string matching /^a/, got \"b\"",
    ]


def test_a_missing_key_says_so():
    (found,) = mismatches({"value": 1}, {})
    assert str(found) == "at value: expected 1, got nothing (the key is absent)"


def test_diff_shows_only_the_differences():
    text = diff({"success": True, "value": {"$regex": "^[0-9a-f]{32}$"}, "n": 1},
                {"success": False, "value": "0123456789abcdef0123456789abcdef", "n": 1, "extra": 5})
    lines = text.splitlines()
    assert lines[0] == "at success: expected true, got false"
    assert '-  "success": true,' in lines and '+  "success": false,' in lines
    # a value that matched its matcher is not flagged, and unasked keys are left out
    assert not any(line.startswith(("-", "+")) and "value" in line for line in lines)
    assert "extra" not in text


def test_no_diff_when_it_matches():
    assert diff({"a": 1}, {"a": 1}) == ""


@pytest.mark.parametrize(
    "pattern, words",
    [
        ({"a": {"$regexp": "x"}}, "unknown matcher '$regexp'"),
        ({"a": {"$regex": "("}}, "not a valid regular expression"),
        ({"a": {"$type": "text"}}, "$type takes one of"),
        ({"a": {"$length": -1}}, "$length takes a whole number"),
        ({"a": {"$regex": "x", "b": 1}}, "only $ keys"),
        ([{"$type": []}], "$type takes one of"),
    ],
)
def test_pattern_problems(pattern, words):
    (problem,) = pattern_problems(pattern, "json")
    assert words in problem[1]
    assert problem[0].startswith("json")


def test_substitution():
    saved = {"key": "abc", "n": 3, "obj": {"a": [1]}}
    value = {"hash": "${key}", "count": "${n}", "text": "key=${key}, n=${n}", "o": ["${obj}"], "lit": "$${key}"}
    assert substitute(value, saved) == {"hash": "abc", "count": 3, "text": "key=abc, n=3", "o": [{"a": [1]}], "lit": "${key}"}


def test_substitution_before_save_is_a_clear_error():
    with pytest.raises(UnknownVariable) as caught:
        substitute({"json": {"hash": "x-${missing}"}}, {}, "steps[1].request")
    assert (caught.value.name, caught.value.path) == ("missing", "steps[1].request.json.hash")


def test_references():
    assert references({"a": ["${x}", "$${y}", "${z}-${x}"]}, "s") == [("s.a[0]", "x"), ("s.a[2]", "z"), ("s.a[2]", "x")]
