"""The app factory shared by the CLI, the pytest plugin and the tests."""
from __future__ import annotations

import logging
import sys
import time

from flask import Flask, current_app, g, request
from flask.sessions import NullSession, SessionInterface
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from . import persistence
from .admin import routes as admin_routes
from .apis import ADMIN, HOST_API_ENVIRON, api_for_path
from .body import FORM_TYPES, RAW_BODY_ENVIRON
from .config import MockConfig
from .dellin import routes as dellin_routes
from .errors import ApiError, profile_for
from .faults.apply import apply_request_faults
from .inspector import routes as inspector_routes
from .navixy import routes as navixy_routes
from .operation import Operation
from .registry import OPERATIONS
from .runtime import MockRuntime
from .security import guard_admin_request
from .web import respond_error

log = logging.getLogger("mockserver")

EXTENSION = "mockserver"
OPERATION_NAMES = EXTENSION + ".operations"  # endpoint -> operation name, filled on first use
ACCESS_LOG = EXTENSION + ".access_log"  # an AccessLog while the access log is on


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
    if config.access_log:
        from .access_log import AccessLog

        app.extensions[ACCESS_LOG] = AccessLog()

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


class LazyBuilderRule(Rule):
    """A rule whose URL builders are compiled on the first ``url_for``.

    Werkzeug compiles two builders per rule (an AST each) as the rule is
    added: some 1 ms a rule, most of ``create_app``, for ``url_for`` that
    the mock's own views never call. ``_compile_builder`` is werkzeug's
    private name (werkzeug is pinned below 3.2 in pyproject.toml)."""

    def _compile_builder(self, append_unknown: bool = True):
        compile_now = super()._compile_builder
        compiled = None

        def build(rule, **values):
            nonlocal compiled
            if compiled is None:
                compiled = compile_now(append_unknown)
            return compiled(rule, **values)

        return build


class MockFlask(Flask):
    """Flask that runs the mock's two per-request steps first, through the two
    methods Flask documents for overriding.

    Before the view: tag the call with its API and operation, guard the admin
    API, apply fault rules. After it: write the journal. Hooks that others
    register (the state file's, or a test's on ``mock_app``) run after these;
    as an ``after_request`` hook the journal would run after every hook
    registered later (Flask runs them last registered, first).
    """

    session_interface = NoSessions()
    url_rule_class = LazyBuilderRule

    def preprocess_request(self):
        answer = _before_request(self)
        if answer is None:
            answer = super().preprocess_request()
        return answer

    def process_response(self, response):
        return super().process_response(_journal_response(self, response))


def _starts_with_two_slashes(environ) -> bool:
    """Whether the path asked for began ``//``.

    Servers and werkzeug's routing both strip leading slashes (waitress keeps
    the request line in REQUEST_URI, gunicorn in RAW_URI), so ``//v1/webhooks``
    would be served as ``/v1/webhooks``: a path that is no endpoint, which
    must be a 404 as ``/v1//webhooks`` is."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO") or ""
    return raw.startswith("//")


# Each use of the ``g``/``request`` proxies costs a context lookup, so each
# step resolves them once with ``_get_current_object()``, the proxies'
# documented way to the object behind them (in the in-process benchmark,
# the steps through the proxies cost the mock some 15% of its calls/s).
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
    tags = g._get_current_object()
    tags.started = time.perf_counter()
    tags.api = host_api if foreign else api
    tags.operation = None if stray else req.url_rule and _view_operation(app, req.url_rule.endpoint)
    tags.faults_fired = []
    if stray:
        raise NotFound()
    if req.method == "HEAD":
        # werkzeug answers HEAD wherever GET is routed, but an API whose GET
        # may change state (Navixy's delivery/create) takes its own methods only
        methods = profile_for(api).methods
        if methods is not None and req.url_rule is not None:
            raise MethodNotAllowed(valid_methods=list(methods))
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
    tags, req = g._get_current_object(), request._get_current_object()
    mock = app.extensions[EXTENSION]
    api = tags.get("api") or api_for_path(req.path)
    if api != ADMIN:
        faults = tags.get("faults_fired")
        request_body, response_body = tags.get("request_body"), tags.get("response_body")
        # JSON bodies are kept as the bytes that came and went, and parsed when
        # the journal is read: a thousand retained object graphs would cost
        # every request in cache misses far more than the rare read does
        if request_body is not None and req.mimetype not in FORM_TYPES:
            request_body = req.environ.get(RAW_BODY_ENVIRON) or req.get_data(cache=True)
        if response_body is not None:
            response_body = response.get_data()
        mock.journal.record_call(
            mock.clock.now(), api, tags.get("operation"), req.method, req.path,
            req.args.to_dict(flat=True) if req.query_string else None,
            request_body, req.content_type,
            response.status_code, response_body,
            tuple(faults) if faults else (),
        )
    access = app.extensions.get(ACCESS_LOG)
    if access is not None:
        now = time.perf_counter()
        access.record(req.environ, response.status_code, (now - tags.get("started", now)) * 1000)
    return response


# ------------------------------------------------------------------ errors
def _render(error: ApiError):
    return respond_error(error)


def _render_api_error(error: ApiError):
    return _render(error)


def render_error(error: ApiError):
    """An error answer in its API's envelope, for a step outside any view."""
    return _render(error)


def _http_error_for(api: str, exc: HTTPException) -> ApiError:
    profile = profile_for(api)
    if isinstance(exc, NotFound):
        return profile.not_found(request.method, request.path)
    if isinstance(exc, MethodNotAllowed):
        return profile.method_not_allowed(request.method, request.path, exc.valid_methods or ())
    if exc.code == 413:
        return profile.too_large("the request body is too large")
    return profile.bad_request(exc.description or exc.name)


def _render_http_error(exc: HTTPException):
    if exc.code is not None and exc.code >= 500:  # Flask's wrapper of a failure outside the view
        return _render_unexpected(getattr(exc, "original_exception", None) or exc)
    api = g.get("api") or api_for_path(request.path)
    return _render(_http_error_for(api, exc))


def _render_unexpected(exc: Exception):
    log.exception("unexpected error while serving %s %s", request.method, request.path)
    api = g.get("api") or api_for_path(request.path)
    return _render(profile_for(api).unexpected(f"the mock failed unexpectedly ({type(exc).__name__}); see its log"))


def configure_logging(stream=sys.stderr) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger("mockserver")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
