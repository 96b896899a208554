"""The app factory shared by the CLI, the pytest plugin and the tests."""
from __future__ import annotations

import logging
import sys
import time

from flask import Flask, current_app, g, request
from flask.globals import request_ctx
from flask.signals import request_tearing_down
from flask.sessions import NullSession, SessionInterface
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from . import persistence
from .admin import routes as admin_routes
from .apis import ADMIN, DELLIN, HOST_API_ENVIRON, NAVIXY, api_for_path
from .body import FORM_TYPES, RAW_BODY_ENVIRON
from .config import MockConfig
from .dellin import routes as dellin_routes
from .errors import AdminError, ApiError, DellinError, NavixyError
from .faults.apply import apply_request_faults
from .inspector import routes as inspector_routes
from .navixy import routes as navixy_routes
from .operation import Operation
from .registry import OPERATIONS
from .runtime import MockRuntime
from .security import guard_admin_request
from .web import respond

log = logging.getLogger("mockserver")
access_log = logging.getLogger("mockserver.access")

EXTENSION = "mockserver"
_SENTINEL = object()
OPERATION_NAMES = EXTENSION + ".operations"  # endpoint -> operation name, filled on first use
NAVIXY_METHODS = ["GET", "POST"]


def create_app(config: MockConfig | None = None, **overrides) -> Flask:
    """Build a mock app. ``overrides`` are MockConfig fields, e.g. ``scenario="demo"``."""
    config = (config or MockConfig()).with_overrides(**overrides)
    app = MockFlask("mockserver")
    # ``//`` in a path is a 404 in the API's envelope, not a redirect (an HTML
    # page, and a POST that a client following it would send elsewhere)
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    # a form is limited by the body limit alone, not by werkzeug's own
    # per-field (500 kB) and part-count (1,000) limits beneath it
    app.config["MAX_FORM_MEMORY_SIZE"] = config.max_body_bytes
    app.config["MAX_FORM_PARTS"] = config.max_body_bytes
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    mock = MockRuntime(config)
    app.extensions[EXTENSION] = mock
    app.extensions[OPERATION_NAMES] = {}

    _add_routes(app)

    persistence.install(app, mock)
    app.register_error_handler(ApiError, _render_api_error)
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def runtime_of(app: Flask) -> MockRuntime:
    return app.extensions[EXTENSION]


# every API's views, by operation; the registry says which operations there are
VIEWS = {**navixy_routes.VIEWS, **dellin_routes.VIEWS, **admin_routes.VIEWS, **inspector_routes.VIEWS}


def _add_routes(app: Flask) -> None:
    for operation in OPERATIONS:
        _add_route(app, operation, VIEWS[operation])


def _add_route(app: Flask, operation: Operation, view) -> None:
    view.operation = operation
    # an OPTIONS the registry does not list is a 405 in the API's envelope,
    # not Flask's automatic empty text/html 200
    view.provide_automatic_options = False
    app.add_url_rule(operation.path, endpoint=operation.endpoint, view_func=view, methods=list(operation.methods))


# ------------------------------------------------------------------ hooks
class NoSessions(SessionInterface):
    """The mock keeps no Flask sessions: every request shares one null session,
    which refuses writes, instead of building and checking a new one."""

    _null = NullSession()

    def open_session(self, app, request):
        return self._null

    def save_session(self, app, session, response):
        return None


class MockFlask(Flask):
    """Flask that runs the mock's two per-request steps directly.

    Before the view: tag the call with its API and operation, apply fault
    rules, check the admin token. After it: write the journal. As registered
    hooks, Flask would look them up per blueprint and check each for a
    coroutine on every request, which the throughput benchmark shows; the same
    goes for teardown, where the mock has nothing to run. Hooks that others
    register (the state file's, or a test's on ``mock_app``) still run, after
    these, through Flask's own machinery.
    """

    session_interface = NoSessions()

    def preprocess_request(self):
        answer = _before_request(self)
        if answer is None and (self.before_request_funcs or self.url_value_preprocessors):
            answer = super().preprocess_request()
        return answer

    def process_response(self, response):
        response = _journal_response(self, response)
        ctx = request_ctx._get_current_object()
        if self.after_request_funcs or ctx._after_request_functions:
            response = super().process_response(response)
        return response

    def do_teardown_request(self, exc=_SENTINEL):
        if self.teardown_request_funcs:
            return super().do_teardown_request(*(() if exc is _SENTINEL else (exc,)))
        # no teardown functions to look up per blueprint: only the signal
        if exc is _SENTINEL:
            exc = sys.exc_info()[1]
        request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)
        return None


def _starts_with_two_slashes(environ) -> bool:
    """Whether the path asked for began ``//``.

    Servers and werkzeug's routing both strip leading slashes (waitress keeps
    the request line in REQUEST_URI, gunicorn in RAW_URI), so ``//v1/webhooks``
    would be served as ``/v1/webhooks``: a path that is no endpoint, which
    must be a 404 as ``/v1//webhooks`` is."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO") or ""
    return raw.startswith("//")


# Each use of the ``g``/``request``/``current_app`` proxies costs a context
# lookup, so each step resolves them once.
def _before_request(app):
    mock = app.extensions[EXTENSION]
    if _tag_request(app) == ADMIN:
        guard_admin_request(mock)  # raises the refusal, before anything can change
        return None
    if mock.faults.has_rules():
        answer = apply_request_faults()  # after tagging: rules match on api and operation
        if answer is not None:
            return answer
    return None


def _tag_request(app):
    req = request._get_current_object()
    api = api_for_path(req.path)
    host_api = req.environ.get(HOST_API_ENVIRON)
    foreign = host_api is not None and host_api != api
    # a real host's call to a path its API does not have (Dellin's host has
    # no /v2, Navixy's only /v2): that API's 404, not another API's answer
    stray = foreign or _starts_with_two_slashes(req.environ)
    # ``g`` keeps its attributes in its __dict__: one update instead of four setattrs
    vars(g._get_current_object()).update(
        started=time.perf_counter(),
        api=host_api if foreign else api,
        operation=None if stray else req.url_rule and _view_operation(app, req.url_rule.endpoint),
        faults_fired=[],
    )
    if stray:
        raise NotFound()
    if req.method == "HEAD" and api == NAVIXY:
        # werkzeug answers HEAD wherever GET is routed, but a Navixy GET is a
        # call that may change state (delivery/create): GET and POST only
        raise MethodNotAllowed(valid_methods=NAVIXY_METHODS)
    return api


def _view_operation(app, endpoint):
    # the operation of an endpoint never changes: look it up once per endpoint
    names = app.extensions[OPERATION_NAMES]
    try:
        return names[endpoint]
    except KeyError:
        pass
    func = app.view_functions.get(endpoint)
    operation = getattr(func, "operation", None)
    # a route added by others (a test's on ``mock_app``) is named by its endpoint
    name = names[endpoint] = operation.name if operation else endpoint
    return name


def _journal_response(app, response):
    ctx, req = vars(g._get_current_object()), request._get_current_object()
    mock = app.extensions[EXTENSION]
    api = ctx.get("api") or api_for_path(req.path)
    if api != ADMIN:
        faults = ctx.get("faults_fired")
        request_body, response_body = ctx.get("request_body"), ctx.get("response_body")
        # JSON bodies are kept as the bytes that came and went, and parsed when
        # the journal is read: a thousand retained object graphs would cost
        # every request in cache misses far more than the rare read does
        if request_body is not None and req.mimetype not in FORM_TYPES:
            request_body = req.environ.get(RAW_BODY_ENVIRON) or req.get_data(cache=True)
        if response_body is not None:
            response_body = response.get_data()
        mock.journal.record_call(
            mock.clock.now(), api, ctx.get("operation"), req.method, req.path,
            req.args.to_dict(flat=True) if req.query_string else None,
            request_body, req.content_type,
            response.status_code, response_body,
            tuple(faults) if faults else (),
        )
    if mock.config.access_log:
        elapsed = (time.perf_counter() - ctx.get("started", time.perf_counter())) * 1000
        access_log.info(
            '%s "%s %s" %s %.1fms', req.remote_addr, req.method, req.full_path.rstrip("?"),
            response.status_code, elapsed,
        )
    return response


# ------------------------------------------------------------------ errors
def _render(error: ApiError):
    clock = current_app.extensions[EXTENSION].clock
    return respond(error.body(clock), error.http_status)


def _render_api_error(error: ApiError):
    return _render(error)


def render_error(error: ApiError):
    """An error answer in its API's envelope, for a step outside any view."""
    return _render(error)


# per API: (not found, method not allowed, too large, other client error)
def _http_error_for(api: str, exc: HTTPException) -> ApiError:
    code = exc.code or 400
    if api == NAVIXY:
        return {404: lambda: NavixyError(111), 405: lambda: NavixyError(112), 413: lambda: NavixyError(9)}.get(
            code, lambda: NavixyError(5)
        )()
    if api == DELLIN:
        table = {
            404: (1005, f"no such endpoint: {request.method} {request.path}"),
            405: (1004, f"{request.method} is not accepted here"),
            413: (1002, "the request body is too large"),
        }
        dellin_code, detail = table.get(code, (1001, exc.description or "bad request"))
        return DellinError.of(dellin_code, detail)
    status = code if 400 <= code < 500 else 400
    return AdminError(exc.description or exc.name, status=status)


def _render_http_error(exc: HTTPException):
    if exc.code is not None and exc.code >= 500:  # Flask's wrapper of a failure outside the view
        return _render_unexpected(getattr(exc, "original_exception", None) or exc)
    api = g.get("api") or api_for_path(request.path)
    response = _render(_http_error_for(api, exc))
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        # a 405 says what is allowed; on Navixy that never includes HEAD (above)
        allowed = [m for m in exc.valid_methods if api != NAVIXY or m in NAVIXY_METHODS]
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _render_unexpected(exc: Exception):
    log.exception("unexpected error while serving %s %s", request.method, request.path)
    api = g.get("api") or api_for_path(request.path)
    if api == NAVIXY:
        error = NavixyError(6)
    elif api == DELLIN:
        error = DellinError.of(5000, "the mock failed unexpectedly; see its log")
    else:
        error = AdminError(f"the mock failed unexpectedly: {type(exc).__name__}", status=500)
    return _render(error)


def configure_logging(stream=sys.stderr) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger("mockserver")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
