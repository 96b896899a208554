"""Dellin's mocked operations, its rows of the route registry: every call is
POST with a JSON body (docs)."""
from ..apis import DELLIN
from ..operation import Operation

_POST = ("POST",)
_ERROR = "dellin/error.schema.json"
_SUBSCRIPTION_ID = "dellin/common.schema.json#/$defs/subscriptionId"


def _op(name, path, summary, request, response) -> Operation:
    return Operation(
        name=name,
        api=DELLIN,
        path=path,
        methods=_POST,
        summary=summary,
        request_schema=f"dellin/{request}.schema.json",
        response_schema=f"dellin/{response}.schema.json",
        error_schema=_ERROR,
        parameters=(("id", _SUBSCRIPTION_ID),) if "<id>" in path else (),
    )


LOGIN = _op("dellin.auth.login", "/v3/auth/login.json", "Log in: a sessionID for appkey, login and password",
            "auth_login_request", "auth_login_response")
LOGOUT = _op("dellin.auth.logout", "/v3/auth/logout.json", "End a session",
             "session_request", "state_success_response")
SESSION_INFO = _op("dellin.auth.session_info", "/v3/auth/session_info.json", "Describe a session: login and expiry",
                   "session_request", "auth_session_info_response")
WEBHOOKS_UPDATE = _op("dellin.webhooks.update", "/v1/webhooks/update",
                      "Create a subscription (no id) or change one (with id)",
                      "webhooks_update_request", "subscription_response")
WEBHOOKS_DELETE = _op("dellin.webhooks.delete", "/v1/webhooks/delete", "Delete subscriptions by ids",
                      "webhooks_delete_request", "metadata_response")
WEBHOOKS_LIST = _op("dellin.webhooks.list", "/v1/webhooks", "The user's subscriptions",
                    "session_request", "subscriptions_response")
WEBHOOKS_GET = _op("dellin.webhooks.get", "/v1/webhooks/<id>", "One subscription",
                   "session_request", "subscription_response")
ORDERS_ADD = _op("dellin.orders.add", "/v1/webhooks/<id>/orders/add", "Add up to 5 orders to a subscription",
                 "orders_change_request", "metadata_response")
ORDERS_DELETE = _op("dellin.orders.delete", "/v1/webhooks/<id>/orders/delete",
                    "Remove up to 5 orders from a subscription", "orders_change_request", "metadata_response")
ORDERS_LIST = _op("dellin.orders.list", "/v1/webhooks/<id>/orders",
                  "A page of a subscription's orders, or a check for one orderNumber",
                  "orders_list_request", "orders_response")

OPERATIONS = (
    LOGIN, LOGOUT, SESSION_INFO,
    WEBHOOKS_UPDATE, WEBHOOKS_DELETE, WEBHOOKS_LIST, WEBHOOKS_GET,
    ORDERS_ADD, ORDERS_DELETE, ORDERS_LIST,
)
