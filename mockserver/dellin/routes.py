"""Dellin's thin HTTP layer: read the body, check it against the schema,
authenticate, call the model under the store lock, answer in Dellin's envelope.

A request is checked in this order: the body (JSON object, size, encoding),
its parameters (schema), the id in the path, the appkey, the session, and
then the call's own rules. The first stage that fails answers.
"""
from __future__ import annotations

from flask import g, request

from ..body import read_object
from ..clock import dellin_timestamp
from ..errors import BodyProblem
from ..web import respond, runtime
from . import errors, operations, rules
from .errors import DellinError, success as dellin_success
from .validation import check_body, subscription_id

SUCCESS = {"state": "success"}

_BODY_CODES = {
    BodyProblem.TOO_LARGE: errors.VALUE_TOO_LONG,
    BodyProblem.CONTENT_TYPE: errors.CONTENT_TYPE,
}


def body_error(problem: BodyProblem) -> DellinError:
    """Malformed JSON, bad UTF-8, too deep or not an object: a parse error (docs: HTTP 401)."""
    return DellinError.of(_BODY_CODES.get(problem.kind, errors.PARSE_ERROR), problem.message, ["body"])


def checked_body(operation, mock=None) -> dict:
    mock = mock or runtime()
    try:
        # the request itself, not its proxy: read_object reads several attributes
        body = read_object(request._get_current_object(), mock.config.max_body_bytes, allow_form=False)
    except BodyProblem as problem:
        raise body_error(problem) from None
    g.request_body = body
    body = {} if body is None else body
    check_body(mock.schemas, operation.request_schema, body, allow_unknown=not mock.config.validate_requests,
               event_types=lambda: _directory(mock))
    return body


def _directory(mock) -> list[str]:
    with mock.store.lock:
        return list(mock.store.dellin.event_types())


# ---------------------------------------------------------------- actions: (state, body, path id, clock) -> response body
def login(state, body, _id, clock):
    session = state.login(body["appkey"], body["login"], body["password"])
    return dellin_success(clock, {"sessionID": session.id})


def logout(state, body, _id, clock):
    state.logout(body["appkey"], body["sessionID"])
    return dellin_success(clock, dict(SUCCESS))


def session_info(state, body, _id, clock):
    session = state.session(body["appkey"], body["sessionID"])
    data = {"sessionID": session.id, "login": session.login, "expire_time": dellin_timestamp(session.expires_at)}
    return dellin_success(clock, data)


def webhooks_update(state, body, _id, clock):
    user = state.authenticate(body["appkey"], body["sessionID"])
    settings = {
        "url": body["url"],
        "event_types": body.get("eventTypes"),
        "order_roles": body["orderRoles"],
        "state": body.get("state"),
    }
    if "id" in body:
        sub = state.change_subscription(user.login, subscription_id(body["id"]), **settings)
    else:
        sub = state.create_subscription(user.login, **settings)
    return dellin_success(clock, sub.public())


def webhooks_delete(state, body, _id, clock):
    ids = [subscription_id(value, "ids") for value in body["ids"]]
    user = state.authenticate(body["appkey"], body["sessionID"])
    state.delete_subscriptions(user.login, ids)
    return dellin_success(clock)  # metadata alone, as the docs' example


def webhooks_list(state, body, _id, clock):
    user = state.authenticate(body["appkey"], body["sessionID"])
    return dellin_success(clock, [s.public() for s in state.subscriptions_of(user.login)])


def webhooks_get(state, body, sub_id, clock):
    user = state.authenticate(body["appkey"], body["sessionID"])
    return dellin_success(clock, state.subscription_of(user.login, sub_id).public())


def orders_add(state, body, sub_id, clock):
    user = state.authenticate(body["appkey"], body["sessionID"])
    state.add_orders(user.login, sub_id, body["orderNumbers"])
    return dellin_success(clock)  # metadata alone, as the docs' example


def orders_delete(state, body, sub_id, clock):
    user = state.authenticate(body["appkey"], body["sessionID"])
    state.remove_orders(user.login, sub_id, body["orderNumbers"])
    return dellin_success(clock)  # metadata alone, as the docs' example


def orders_list(state, body, sub_id, clock):
    user = state.authenticate(body["appkey"], body["sessionID"])
    page, orders = state.orders_page(
        user.login,
        sub_id,
        page=int(body.get("page", 1)),
        per_page=int(body.get("perPage", rules.PER_PAGE_DEFAULT)),
        order_number=body.get("orderNumber"),
    )
    extra = {f"metadata_{key}": value for key, value in page.metadata().items()}
    return dellin_success(clock, orders=orders, **extra)


_ACTIONS = {
    operations.LOGIN: login,
    operations.LOGOUT: logout,
    operations.SESSION_INFO: session_info,
    operations.WEBHOOKS_UPDATE: webhooks_update,
    operations.WEBHOOKS_DELETE: webhooks_delete,
    operations.WEBHOOKS_LIST: webhooks_list,
    operations.WEBHOOKS_GET: webhooks_get,
    operations.ORDERS_ADD: orders_add,
    operations.ORDERS_DELETE: orders_delete,
    operations.ORDERS_LIST: orders_list,
}


def _view(operation, action):
    def view(id=None):  # noqa: A002  (the path parameter's name)
        mock = runtime()
        body = checked_body(operation, mock)
        sub_id = subscription_id(id) if id is not None else None
        with mock.store.lock:
            answer = action(mock.store.dellin, body, sub_id, mock.clock)
        return respond(answer)

    view.__name__ = operation.endpoint
    return view


VIEWS = {operation: _view(operation, action) for operation, action in _ACTIONS.items()}
