"""The compiled validator (jsonschema-rs) is only a fast "valid" answer in
front of the Python one: it must never call valid what the Python validator
rejects, on any schema it is used for, or verdicts would change."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from mockserver.schemas import default_schemas

SCHEMAS = default_schemas()
NAMES = sorted(n for n in SCHEMAS.documents if n.endswith(".schema.json"))
# the schemas every API call is checked against: the ones the fast answer is for
REQUESTS = [n for n in NAMES if n.endswith("_request.schema.json")]

# values where the two validators are known to differ in general: Python's
# "$" before a final newline, floats that are integers, numbers past 64 bits,
# strings Rust cannot hold, leap seconds and lower-case date-time letters,
# Unicode digits and spaces that Python's \d and \s match
EDGE_STRINGS = [
    "", " ", "\n", "a\n", "66666666666666666666666666666666\n", "\ud800", "٣", "\x1c", "é", "👍",
    "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-00000000000G",
    "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000",
    "2024-01-01T00:00:00Z", "2024-01-01t00:00:00z", "2024-12-31T23:59:60Z", "2024-02-30T00:00:00Z",
    "2024-01-01T00:00:00+25:00", "2024-01-01 00:00:00", "2024-01-01T00:00:00.123456789Z",
    "2024-01-01", "20m", "1.5h", "abc", "x" * 300, "https://hooks.example.test/a", "http://x",
]
EDGE_NUMBERS = [0, 1, -1, 1.0, 2.5, 2**31 - 1, 2**31, 2**63, 2**64 + 1, 10**30, -(10**30), 1e308, 0.1]
scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(EDGE_NUMBERS), st.sampled_from(EDGE_STRINGS),
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


def _mutations(valid: dict):
    """A valid instance with one top-level value replaced, one key dropped or one added."""
    if not isinstance(valid, dict) or not valid:
        return st.just(valid)
    keys = sorted(valid)
    replaced = st.tuples(st.sampled_from(keys), json_values).map(lambda kv: {**valid, kv[0]: kv[1]})
    dropped = st.sampled_from(keys).map(lambda k: {n: v for n, v in valid.items() if n != k})
    added = st.tuples(st.text(max_size=8), json_values).map(lambda kv: {**valid, kv[0]: kv[1]})
    return st.one_of(replaced, dropped, added)


def _agrees(name: str, instance) -> None:
    if SCHEMAS.fast_valid(name, instance):
        assert SCHEMAS.validator(name).is_valid(instance), f"{name}: the compiled validator accepted {instance!r}"


@pytest.mark.parametrize("name", REQUESTS)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_compiled_validator_never_accepts_what_python_rejects(name, data):
    schema = SCHEMAS.validator(name).schema
    valid = data.draw(from_schema(schema), label="valid")  # formats aside: a seed for the mutations
    _agrees(name, valid)
    _agrees(name, data.draw(_mutations(valid), label="mutated"))
    _agrees(name, data.draw(json_values, label="any"))


@pytest.mark.parametrize("name", NAMES)
def test_edge_values_in_every_top_level_property(name):
    properties = SCHEMAS.validator(name).schema.get("properties", {})
    for key in properties:
        for value in [*EDGE_STRINGS, *EDGE_NUMBERS, True, None, [], {}]:
            _agrees(name, {key: value})


def test_valid_and_invalid_answers_are_unchanged():
    name = "navixy/delivery_request.schema.json"
    assert SCHEMAS.problems(name, {"hash": "0123456789abcdef0123456789abcdef"}) == []
    # Python's "$" matches before a final newline: the compiled validator says
    # no, and the Python one has the last word, as before
    assert SCHEMAS.problems(name, {"hash": "0123456789abcdef0123456789abcdef\n"}) == []
    assert [p.validator for p in SCHEMAS.problems(name, {"hash": 5})] == ["type"]
    assert [p.field for p in SCHEMAS.problems(name, {})] == ["hash"]
    assert SCHEMAS.problems(name, {"hash": "\ud800"})[0].validator == "pattern"


DATE_TIMES = [s for s in EDGE_STRINGS if s[:1].isdigit()] + [
    "2024-06-30T23:59:60Z", "2024-01-01T24:00:00Z", "0000-01-01T00:00:00Z", "2024-01-01T00:00:00.Z",
    "2024-01-01T00:00:00-00:00", "2024-01-01T00:00:00+23:59", "2024-01-01T00:00:00z", "2024-01-01T00:00:00",
    "２０２４-01-01T00:00:00Z", "2024-01-01T00:00:00Z\n",
]


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.sampled_from(DATE_TIMES), st.text(max_size=30),
                      st.datetimes().map(lambda d: d.isoformat() + "Z")))
def test_the_compiled_date_time_check_is_the_python_one(text):
    from jsonschema import FormatChecker

    from mockserver.schemas import python_date_time

    assert python_date_time(text) == FormatChecker().conforms(text, "date-time")


@pytest.mark.parametrize("text", DATE_TIMES)
def test_a_scenario_clock_start_gets_the_same_verdict_from_both(text):
    doc = {"name": "x", "clock": {"start": text}}
    python = SCHEMAS.validator("scenario.schema.json").is_valid(doc)
    assert SCHEMAS.fast_valid("scenario.schema.json", doc) == python
