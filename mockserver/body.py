"""Reading request bodies safely: one parser for every API, which maps the
``BodyProblem`` kinds to its own error codes."""
from __future__ import annotations

import io
import json
import math
import re

from werkzeug.exceptions import RequestEntityTooLarge

from .errors import BodyProblem

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e400: no JSON reader can give it back
        raise ValueError(f"the number {text} is out of range")
    return value


def _unique_keys(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # which value the sender meant is anybody's guess
        seen: set = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f"the key {duplicate!r} appears twice in one object")
    return obj


# one decoder for every body: ``json.loads`` with an option builds a new one per call
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys)
# a \uD800-\uDFFF escape: half of a pair, or a lone surrogate that is not text
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_TEXT_CHECK = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def is_unicode_text(text: str) -> bool:
    """Whether ``text`` is Unicode text: no lone surrogate, which nothing can encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_json(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyProblem(BodyProblem.BAD_ENCODING, f"the body is not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _DECODER.decode(text)
    except RecursionError:
        raise BodyProblem(BodyProblem.MALFORMED, "the JSON body is nested too deeply") from None
    except ValueError as exc:
        raise BodyProblem(BodyProblem.MALFORMED, f"the body is not valid JSON: {exc}") from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) and not is_unicode_text(_TEXT_CHECK.encode(value)):
        raise BodyProblem(BodyProblem.MALFORMED, "the body is not valid JSON: a \\u escape is half of a surrogate pair")
    return value


# the body's bytes, kept in the WSGI environ: read once per request by
# whoever asks first (fault rules, the view, the journal)
RAW_BODY_ENVIRON = "mockserver.raw_body"


def raw_body(request, max_bytes: int) -> bytes:
    environ = request.environ
    data = environ.get(RAW_BODY_ENVIRON)
    if data is None:
        data = environ[RAW_BODY_ENVIRON] = _read_body(request, environ, max_bytes)
    if len(data) > max_bytes:
        raise BodyProblem(BodyProblem.TOO_LARGE, f"the body is {len(data)} bytes; the limit is {max_bytes}")
    return data


def _read_body(request, environ, max_bytes: int) -> bytes:
    length = environ.get("CONTENT_LENGTH") or ""
    # ``"stream" not in vars(request)``: werkzeug has not opened its own stream
    # on the input yet (``Request.stream`` is a cached property, kept in the
    # instance's __dict__ once read: a werkzeug internal, hence the upper bound
    # on werkzeug in pyproject.toml).
    if length.isdigit() and "stream" not in vars(request):
        # The declared length, straight from the server: for the small bodies
        # these APIs take, werkzeug's stream wrapper costs more than the read
        # (measured in process: reading through ``request.get_data`` instead
        # costs the mock some 8-11% of its calls per second).
        declared = int(length)
        if declared > max_bytes:
            raise BodyProblem(BodyProblem.TOO_LARGE, f"the body is {declared} bytes; the limit is {max_bytes}")
        data = environ["wsgi.input"].read(declared)
        environ["wsgi.input"] = io.BytesIO(data)  # a form is parsed by werkzeug, from here
        return data
    # No declared length (chunked), or the stream is already werkzeug's. Under
    # Flask, MAX_CONTENT_LENGTH (the same limit) makes werkzeug refuse a body
    # over it; outside Flask the count after reading is the guard.
    try:
        data = request.get_data(cache=True)
        # A server that marks its input terminated (granian) gets werkzeug's
        # stream cut at the limit without a word: a byte beyond it means too large.
        if len(data) >= max_bytes and environ.get("wsgi.input_terminated") and environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
        return data
    except RequestEntityTooLarge:
        length = request.content_length
        declared = f"the body is {length} bytes; " if length is not None else "the body is over the limit; "
        raise BodyProblem(BodyProblem.TOO_LARGE, f"{declared}the limit is {max_bytes}") from None


def media_type(request) -> str:
    return (request.mimetype or "").lower()


def read_object(request, max_bytes: int, *, allow_form: bool) -> dict | None:
    """The body as a dict, or ``None`` when there is no body at all.

    JSON must be an object. A form is accepted only when ``allow_form``.
    """
    data = raw_body(request, max_bytes)
    kind = media_type(request)
    if kind in FORM_TYPES and allow_form:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyProblem(BodyProblem.BAD_ENCODING, f"the form is not UTF-8: {exc.reason}") from None
        return request.form.to_dict(flat=True)
    if not data.strip():
        return None
    if kind not in JSON_TYPES and not kind.endswith("+json") and kind != "":
        accepted = "application/json" + (" or application/x-www-form-urlencoded" if allow_form else "")
        raise BodyProblem(BodyProblem.CONTENT_TYPE, f"content type {kind!r} is not accepted; send {accepted}")
    value = parse_json(data)
    if not isinstance(value, dict):
        raise BodyProblem(BodyProblem.NOT_OBJECT, f"the JSON body must be an object, not {json_type(value)}")
    return value


def json_type(value) -> str:
    """The JSON Schema type name of a parsed JSON value (``integer`` apart from ``number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
