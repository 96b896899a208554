"""The request journal: bounded, numbered, bodies kept as bytes and read back as JSON."""
from datetime import datetime, timezone

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
