"""Small helpers shared by the Flask layers of every API."""
from __future__ import annotations

import json

from flask import current_app, g
from flask.json.provider import DefaultJSONProvider

JSON_MIMETYPE = "application/json"


def runtime():
    """The MockRuntime of the app serving this request."""
    return current_app.extensions["mockserver"]


# The app's JSON settings (compact, keys unsorted, non-ASCII kept), with
# Flask's own fallback for dates, UUIDs and dataclasses: the same bytes as
# ``app.json.response``, without its per-call argument handling.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=DefaultJSONProvider.default)


def respond(body, status: int = 200, headers=None):
    """A JSON response; the body is kept for the journal without re-parsing."""
    g.response_body = body
    app = current_app._get_current_object()
    if app.debug or app.json.compact is False:  # indented, as Flask does in debug mode
        response = app.json.response(body)
        response.status_code = status
    else:
        response = app.response_class(_ENCODER.encode(body) + "\n", status=status, mimetype=JSON_MIMETYPE)
    if headers:
        response.headers.update(headers)
    return response


def respond_error(error, headers=None):
    """An API error in its envelope, on this mock's clock and settings; ``headers`` add to the error's own."""
    mock = runtime()
    merged = {**error.headers, **headers} if headers else error.headers
    return respond(error.body(mock.clock, mock.config), error.http_status, headers=merged or None)

