"""Reading request bodies: one parser for every API, its refusals as kinds."""
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver.body import parse_json, raw_body, read_object
from mockserver.errors import BodyProblem


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


def test_the_body_is_read_once_and_a_form_is_still_parsed_after():
    request = request_with(b"hash=abc", "application/x-www-form-urlencoded")
    assert raw_body(request, 1024) == b"hash=abc"
    assert raw_body(request, 1024) == b"hash=abc"  # kept for the next reader
    assert request.form.to_dict() == {"hash": "abc"}  # werkzeug reads it again for the form


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body must not be read")

    environ = EnvironBuilder(method="POST", data=b"{}", content_type="application/json").get_environ()
    environ.update({"CONTENT_LENGTH": str(10 * 1024 * 1024), "wsgi.input": Unreadable()})
    with pytest.raises(BodyProblem) as caught:
        raw_body(Request(environ), 1024)
    assert caught.value.kind == BodyProblem.TOO_LARGE
    assert "10485760 bytes" in caught.value.message


@pytest.mark.parametrize("size, status", [(40, 200), (2 * 1024 * 1024, 412)])
def test_chunked_bodies_over_a_live_socket(live_server, size, status):
    """No Content-Length: read to the end (under the limit) or refused in the API's envelope."""
    import requests

    body = json.dumps({"hash": "22eac1c27af4be7b9d04da2ce1af111b", "pad": "x" * size}).encode()
    chunks = (body[i:i + 4096] for i in range(0, len(body), 4096))  # a generator: sent chunked
    answer = requests.post(live_server.url + "/v2/user/session/delivery/create", data=chunks,
                           headers={"Content-Type": "application/json"})
    assert answer.request.headers.get("Transfer-Encoding") == "chunked"
    assert answer.status_code == status, answer.text
    assert answer.json()["success"] is (status == 200)
