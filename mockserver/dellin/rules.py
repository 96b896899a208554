"""Dellin's rules in one place: limits, allowed values, the URL check and the
event-type directory. The request schemas repeat the limits for clients; a
test holds the two together."""
from __future__ import annotations

import ipaddress
import unicodedata
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from . import errors as codes
from .errors import DellinError

MAX_SUBSCRIPTIONS_PER_USER = 10  # (docs)
MAX_ORDERS_PER_CALL = 5  # (docs) orderNumbers per orders/add or orders/delete
MAX_IDS_PER_DELETE = 100  # (ours)
# waybill, forwarder's order or external order numbers (docs), such as
# 0000-123456/2024 or ЗАК-123/45: any non-empty string up to a generous length (ours)
MAX_ORDER_NUMBER_LENGTH = 255
PER_PAGE_DEFAULT = 100  # (docs)
PER_PAGE_MAX = 100  # (docs)
ROLES = ("customer", "sender", "receiver", "payer")  # (docs)
CLIENT_STATES = ("enabled", "disabled")  # what a client may set (docs)
ENABLED, DISABLED, ERROR = "enabled", "disabled", "error"
STATES = (ENABLED, DISABLED, ERROR)
EVENT_TYPES_FILE = "dellin/event_types.json"
# state defaults for keys a scenario leaves out
DEFAULT_APPKEYS = ("00000000-0000-0000-0000-000000000000",)  # the docs' appkey
DEFAULT_SUBSCRIPTION_URL = "https://hooks.example/dellin"
DEFAULT_ORDER_ROLES = ("sender",)
# (DNS, RFC 1035) a host name in its ASCII form, and one dot-separated label of it
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63
# letters, digits and hyphens, and underscores: resolvers pass them, and
# internal service names use them
LABEL_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
# control, format (zero-width and bidi marks) and surrogate code points: never
# meant in a URL, and invisible when it is read back
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs")


@lru_cache(maxsize=None)
def directory_entries() -> tuple[dict, ...]:
    """The bundled directory rows: ``{"type", "source", "title"}``."""
    from ..schemas import default_schemas

    return tuple(default_schemas().data(EVENT_TYPES_FILE)["types"])


def directory_types() -> tuple[str, ...]:
    return tuple(row["type"] for row in directory_entries())


def is_order_number(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ORDER_NUMBER_LENGTH


def check_url(url: str, *, allow_http: bool, own=None) -> None:
    """https, with a host; http too when the mock allows http receivers; never
    the mock's own address (``own``, an OwnAddresses), so no notification can
    drive the mock itself."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # reading it raises ValueError on a port out of range
    except ValueError as exc:
        raise DellinError.of(codes.WRONG_FORMAT, f"url is not a valid URL: {exc}", ["url"], bad_values=[url]) from None
    scheme = parts.scheme.lower()
    allowed = ["https", "http"] if allow_http else ["https"]
    if scheme not in allowed:
        hint = "" if allow_http or scheme != "http" else " (http is allowed only when the mock runs with allow_http_webhooks)"
        raise DellinError.of(
            codes.WRONG_FORMAT,
            f"url must use {' or '.join(allowed)}, not {scheme or 'no scheme'!s}{hint}",
            ["url"],
            valid_values=allowed,
            bad_values=[url],
            link=codes.WEBHOOK_DOCS,
        )
    if not host:
        raise DellinError.of(codes.WRONG_FORMAT, "url has no host", ["url"], bad_values=[url])
    if any(ch.isspace() for ch in url):
        raise DellinError.of(codes.WRONG_FORMAT, "url contains whitespace", ["url"], bad_values=[url])
    problem = _unsendable(url, parts)
    if problem:
        raise DellinError.of(codes.WRONG_FORMAT, problem, ["url"], bad_values=[url])
    if own is not None and own.reaches_self_url(url):
        raise DellinError.of(
            codes.WRONG_FORMAT, "url points at the mock itself; a receiver must listen elsewhere", ["url"], bad_values=[url]
        )


def _unsendable(url: str, parts: SplitResult) -> str | None:
    """Why no notification could ever be sent to ``url``, or None. Caught here,
    at subscribe time, instead of failing every delivery later."""
    hidden = next((ch for ch in url if unicodedata.category(ch) in INVISIBLE_CATEGORIES), None)
    if hidden is not None:
        return f"url contains a control or invisible character (U+{ord(hidden):04X})"
    if "@" in parts.netloc:
        # credentials would end up in logs, and "a@b@host" or "host\@other" read as one host and go to another
        return "url must not carry a user name or password (user@host)"
    if parts.port == 0:
        return "url has port 0, on which no receiver can listen"
    if parts.netloc.startswith("["):
        return _ip_literal_problem(parts.hostname)
    return _host_name_problem(parts.hostname)


def _ip_literal_problem(host: str) -> str | None:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return f"url host [{host}] is not an IPv6 address"
    return None


def _host_name_problem(host: str) -> str | None:
    """A DNS name (or an IPv4 address) that could resolve: an internationalized
    name is checked as the HTTP client sends it, in its IDNA (xn--) form."""
    if not host.isascii():
        import idna  # only for a non-ASCII name, so not at start-up

        try:
            host = idna.encode(host, strict=True, std3_rules=True).decode("ascii")
        except idna.IDNAError as exc:
            return f"url host is not a valid internationalized domain name: {exc}"
    name = host[:-1] if host.endswith(".") else host  # a final dot only marks the name as absolute
    if len(name) > MAX_HOST_LENGTH:
        return f"url host is {len(name)} characters long; at most {MAX_HOST_LENGTH}"
    for label in name.split("."):
        problem = _label_problem(label)
        if problem:
            return f"url host {host!r}: {problem}"
    return None


def _label_problem(label: str) -> str | None:
    if not label:
        return "has an empty label (two dots in a row, or a dot at the start)"
    if len(label) > MAX_LABEL_LENGTH:
        return f"has a label of {len(label)} characters; at most {MAX_LABEL_LENGTH}"
    bad = sorted(set(label) - LABEL_CHARACTERS)
    if bad:
        return f"has characters a host name cannot have: {''.join(bad)}"
    if label.startswith("-") or label.endswith("-"):
        return f"has a label that starts or ends with a hyphen: {label}"
    return None


def check_event_types(event_types, directory) -> None:
    unknown = [t for t in event_types if t not in directory]
    if unknown:
        raise DellinError.of(
            codes.NOT_IN_DIRECTORY,
            f"eventTypes has types that are not in the event-type directory: {', '.join(unknown)}",
            ["eventTypes"],
            valid_values=list(directory),
            bad_values=unknown,
            link=codes.WEBHOOK_DOCS,
        )
