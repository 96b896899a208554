"""Small helpers shared by the Flask layers of every API."""
from __future__ import annotations

import json

from flask import current_app, g
from flask.json.provider import _default as flask_json_default

from .errors import ADMIN, DELLIN, NAVIXY

NAVIXY_PREFIX = "/v2"
ADMIN_PREFIX = "/__mock"
JSON_MIMETYPE = "application/json"
# set by the in-process interceptor: the API of the real host that was called
HOST_API_ENVIRON = "mockserver.host_api"


def runtime():
    """The MockRuntime of the app serving this request."""
    return current_app.extensions["mockserver"]


def api_for_path(path: str) -> str:
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        return ADMIN
    if path == NAVIXY_PREFIX or path.startswith(NAVIXY_PREFIX + "/"):
        return NAVIXY
    # Dellin's base URL is the host root
    return DELLIN


# The app's JSON settings (compact, keys unsorted, non-ASCII kept), with
# Flask's own fallback for dates, UUIDs and dataclasses: the same bytes as
# ``app.json.response``, without its per-call argument handling.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=flask_json_default)


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


def register(blueprint, operation, view) -> None:
    view.operation = operation
    # an OPTIONS the table does not list is a 405 in the API's envelope,
    # not Flask's automatic empty text/html 200
    view.provide_automatic_options = False
    blueprint.add_url_rule(
        operation.path, endpoint=operation.endpoint, view_func=view, methods=list(operation.methods)
    )
