"""The admin API's guards, run before any admin view, so a refused call
changes nothing:

- ``Host`` must be a loopback name, the address the mock listens on, or a
  name the operator allowed (403): a page whose name was re-pointed at
  127.0.0.1 (DNS rebinding) sends its own name;
- an ``Origin`` must be the mock's own (403): a page elsewhere may not drive it;
- with ``config.admin_token`` set, ``X-Mock-Admin-Token`` must carry it (401);
- a body must be JSON, or YAML for a scenario document (415): neither is a
  type a browser sends cross-site without asking first.

The mocked APIs take any Host and Origin, as the real services do.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, request

from .addresses import DEFAULT_PORTS, is_loopback_name, normal_host, split_host_header
from .apis import ADMIN_PREFIX, ADMIN_TOKEN_HEADER
from .credentials import same_secret
from .errors import AdminError
from .inspector.operations import SHELL_OPERATIONS

ADMIN_BODY_TYPES = frozenset({"application/json"})
SCENARIO_BODY_TYPES = ADMIN_BODY_TYPES | {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
SCENARIOS_PATH = ADMIN_PREFIX + "/scenarios"


def token_matches(expected: str, given: str | None) -> bool:
    if given is None:
        return False
    # constant time, so the answer's timing tells nothing about the token
    return same_secret(expected, given)


def guard_admin_request(mock) -> None:
    """Raise the AdminError that refuses this admin call, if any."""
    environ = request.environ
    host = environ.get("HTTP_HOST")
    if host is not None and not host_allowed(host, mock):
        raise AdminError(
            f"the admin API does not answer to Host {host!r}; use a loopback name or the address the mock "
            "listens on, or start it with --allow-host NAME",
            ["host"],
            status=403,
        )
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and not same_origin(origin, host, request.scheme):
        raise AdminError(f"the admin API does not answer pages from Origin {origin!r}", ["origin"], status=403)
    expected = mock.config.admin_token
    # the inspector page's files hold no data; the page sends the token on its calls
    if expected and g.get("operation") not in SHELL_OPERATIONS \
            and not token_matches(expected, request.headers.get(ADMIN_TOKEN_HEADER)):
        raise AdminError(
            f"the admin API needs the {ADMIN_TOKEN_HEADER} header with the mock's admin token",
            ["unauthorized"],
            status=401,
        )
    _check_body_type(environ)


def host_allowed(value: str, mock) -> bool:
    parsed = split_host_header(value)
    if parsed is None:
        return False
    host, _port = parsed
    if is_loopback_name(host):
        return True
    allowed = {normal_host(name) for name in mock.config.allowed_hosts}
    return host in allowed or host in mock.own_addresses.hosts()


def same_origin(origin: str, host: str | None, scheme: str) -> bool:
    """The Origin of a page the mock itself served (its host already checked)."""
    if host is None:
        return False
    try:
        parts = urlsplit(origin)
        origin_host, origin_port = parts.hostname, parts.port
    except ValueError:
        return False
    parsed = split_host_header(host)
    if not origin_host or parsed is None or parts.scheme.lower() != scheme:
        return False
    own_host, own_port = parsed
    default = DEFAULT_PORTS.get(scheme)
    return normal_host(origin_host) == own_host and (origin_port or default) == (own_port or default)


def _check_body_type(environ) -> None:
    length = environ.get("CONTENT_LENGTH") or ""
    has_body = (length not in ("", "0")) or "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower()
    declared = environ.get("CONTENT_TYPE") or ""
    if not has_body and not declared:
        return
    kind = declared.split(";", 1)[0].strip().lower()
    accepted = SCENARIO_BODY_TYPES if request.path == SCENARIOS_PATH else ADMIN_BODY_TYPES
    if kind not in accepted:
        names = " or ".join(sorted(accepted & {"application/json", "application/yaml"}))
        shown = repr(kind) if kind else "none"
        raise AdminError(f"content type {shown} is not accepted here; send {names}", ["content_type"], status=415)
