"""Dellin's rules in one place: limits, allowed values, the URL check and the
event-type directory. The request schemas repeat the limits for clients; a
test holds the two together."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from ..errors import DellinError
from . import codes

MAX_SUBSCRIPTIONS_PER_USER = 10  # (docs)
MAX_ORDERS_PER_CALL = 5  # (docs) orderNumbers per orders/add or orders/delete
MAX_IDS_PER_DELETE = 100  # (ours)
PER_PAGE_DEFAULT = 100  # (docs)
PER_PAGE_MAX = 100  # (docs)
ROLES = ("customer", "sender", "receiver", "payer")  # (docs)
CLIENT_STATES = ("enabled", "disabled")  # what a client may set (docs)
ENABLED, DISABLED, ERROR = "enabled", "disabled", "error"
STATES = (ENABLED, DISABLED, ERROR)
EVENT_TYPES_FILE = "dellin/event_types.json"
# state defaults for keys a scenario leaves out (SPEC section 6 shows them)
DEFAULT_APPKEYS = ("00000000-0000-0000-0000-000000000000",)  # the docs' appkey
DEFAULT_SUBSCRIPTION_URL = "https://hooks.example/dellin"
DEFAULT_ORDER_ROLES = ("sender",)


@lru_cache(maxsize=None)
def directory_entries() -> tuple[dict, ...]:
    """The bundled directory rows: ``{"type", "source", "title"}``."""
    from ..schemas import default_schemas

    return tuple(default_schemas().data(EVENT_TYPES_FILE)["types"])


def directory_types() -> tuple[str, ...]:
    return tuple(row["type"] for row in directory_entries())


def check_url(url: str, *, allow_http: bool) -> None:
    """https, with a host; http too when the mock allows http receivers."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # reading it raises ValueError on a port out of range
    except ValueError as exc:
        raise DellinError.of(codes.INVALID, f"url is not a valid URL: {exc}", ["url"], bad_values=[url]) from None
    scheme = parts.scheme.lower()
    allowed = ["https", "http"] if allow_http else ["https"]
    if scheme not in allowed:
        hint = "" if allow_http or scheme != "http" else " (http is allowed only when the mock runs with allow_http_webhooks)"
        raise DellinError.of(
            codes.URL_NOT_HTTPS,
            f"url must use {' or '.join(allowed)}, not {scheme or 'no scheme'!s}{hint}",
            ["url"],
            valid_values=allowed,
            bad_values=[url],
        )
    if not host:
        raise DellinError.of(codes.INVALID, "url has no host", ["url"], bad_values=[url])
    if any(ch.isspace() for ch in url):
        raise DellinError.of(codes.INVALID, "url contains whitespace", ["url"], bad_values=[url])


def check_event_types(event_types, directory) -> None:
    unknown = [t for t in event_types if t not in directory]
    if unknown:
        raise DellinError.of(
            codes.UNKNOWN_EVENT_TYPE,
            f"eventTypes has types that are not in the event-type directory: {', '.join(unknown)}",
            ["eventTypes"],
            valid_values=list(directory),
            bad_values=unknown,
        )
