"""Navixy's thin HTTP layer: find the hash, validate, call the model, answer."""
from __future__ import annotations

from flask import g, request

from ..body import read_object
from ..errors import BodyProblem
from ..web import respond, runtime
from . import errors as codes
from .errors import NavixyError, success as navixy_success
from . import operations

AUTH_SCHEME = "NVX "


def body_error(problem: BodyProblem) -> NavixyError:
    if problem.kind == BodyProblem.TOO_LARGE:
        return NavixyError(codes.TOO_LARGE_REQUEST)
    return NavixyError(codes.WRONG_REQUEST_FORMAT, errors=[{"parameter": "body", "error": problem.message}])


def request_params(mock=None) -> dict:
    """Parameters in the documented lookup order: body (JSON or form), query, header."""
    params: dict = {}
    req = request._get_current_object()  # one context lookup, not one per use
    mock = mock or runtime()
    try:
        body = read_object(req, mock.config.max_body_bytes, allow_form=True) if req.method == "POST" else None
    except BodyProblem as problem:
        raise body_error(problem) from None
    g.request_body = body
    if req.query_string:  # no query string, no parsing
        for key, value in req.args.items():
            params.setdefault(key, value)
    if body:
        params.update(body)
    if "hash" not in params:
        header = req.headers.get("Authorization", "")
        if header.startswith(AUTH_SCHEME) and " " not in header[len(AUTH_SCHEME):]:
            params["hash"] = header[len(AUTH_SCHEME):]
    return params


def checked_hash(params: dict, operation, mock=None) -> str:
    mock = mock or runtime()
    if mock.config.validate_requests:
        for problem in mock.schemas.problems(operation.request_schema, params):
            if problem.validator == "type":
                raise NavixyError(codes.INVALID_PARAMETERS, errors=[{"parameter": problem.field or "body", "error": problem.message}])
            raise NavixyError(codes.WRONG_HASH)
    return params.get("hash")


def _delivery_view(operation, action):
    def view():
        mock = runtime()
        hash_ = checked_hash(request_params(mock), operation, mock)
        store = mock.store
        with store.lock:
            value = action(store.navixy, hash_)
        return respond(navixy_success(value))

    view.__name__ = operation.endpoint
    return view


VIEWS = {
    operations.CREATE: _delivery_view(operations.CREATE, lambda s, h: s.create_delivery_session(h)),
    operations.READ: _delivery_view(operations.READ, lambda s, h: s.read_delivery_session(h)),
}
