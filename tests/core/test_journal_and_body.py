import json
from datetime import datetime, timezone

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver.body import parse_json, read_object
from mockserver.errors import BodyProblem
from mockserver.journal import Journal


def test_journal_is_bounded_and_numbered():
    journal = Journal(max_entries=3)
    for n in range(5):
        journal.record({"n": n})
    entries = journal.entries()
    assert [e["n"] for e in entries] == [2, 3, 4]
    assert [e["id"] for e in entries] == [3, 4, 5]
    journal.clear()
    assert journal.entries() == []


WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)


def call(journal, path, request=None, response=None):
    journal.record_call(WHEN, "dellin", "op", "POST", path, None, request, "application/json", 200, response, ())


def test_call_ids_follow_their_place_through_eviction_clear_and_plain_records():
    journal = Journal(max_entries=3)
    for n in range(4):
        call(journal, f"/p{n}")
    journal.record({"kind": "plain"})
    assert [e.get("path") for e in journal.entries()] == ["/p2", "/p3", None]
    assert [e["id"] for e in journal.entries()] == [3, 4, 5]
    journal.clear()
    call(journal, "/after")
    assert [e["id"] for e in journal.entries()] == [6]


def test_bodies_kept_as_bytes_are_read_back_as_json():
    journal = Journal()
    call(journal, "/v1/webhooks", request=b'{"appkey": "k"}', response=b'{"data": [1]}\n')
    call(journal, "/v2/x", request={"hash": "form"}, response=b"not json")
    first, second = journal.entries()
    assert first["request"]["json"] == {"appkey": "k"}
    assert first["response"]["json"] == {"data": [1]}
    assert first["query"] == {}
    assert second["request"]["json"] == {"hash": "form"}  # a form body is kept as its dict
    assert second["response"]["json"] is None


def request_with(data, content_type="application/json"):
    return Request(EnvironBuilder(method="POST", data=data, content_type=content_type).get_environ())


@pytest.mark.parametrize(
    "data, content_type, kind",
    [
        (b"{", "application/json", BodyProblem.MALFORMED),
        (b"[1]", "application/json", BodyProblem.NOT_OBJECT),
        (b"\xff", "application/json", BodyProblem.BAD_ENCODING),
        (b"{}", "text/plain", BodyProblem.CONTENT_TYPE),
        (b"{\"a\": NaN}", "application/json", BodyProblem.MALFORMED),
        (b"[" * 20000 + b"]" * 20000, "application/json", BodyProblem.MALFORMED),
        (b"{" + b" " * 70000 + b"}", "application/json", BodyProblem.TOO_LARGE),
    ],
    ids=["malformed", "array", "latin1", "text", "nan", "deep", "large"],
)
def test_body_problems(data, content_type, kind):
    with pytest.raises(BodyProblem) as caught:
        read_object(request_with(data, content_type), max_bytes=65536, allow_form=False)
    assert caught.value.kind == kind


def test_empty_body_is_none_and_form_is_a_dict():
    assert read_object(request_with(b""), 1024, allow_form=False) is None
    form = request_with(b"hash=abc", "application/x-www-form-urlencoded")
    assert read_object(form, 1024, allow_form=True) == {"hash": "abc"}


def test_parse_json_keeps_unicode():
    assert parse_json(json.dumps({"a": "Деловые Линии"}).encode()) == {"a": "Деловые Линии"}
