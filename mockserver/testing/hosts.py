"""The real hosts the interceptor takes, and the API each one serves.

Calls to ``https://api.eu.navixy.com``, ``https://api.us.navixy.com`` and
``https://api.dellin.ru`` (https, default port, also written as fully
qualified names) belong to the mock. Paths are kept: the mock serves Navixy
under ``/v2`` as the real host does, and Dellin at the root. A path that the
host's API does not have gets that API's 404 instead of reaching the other
API.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from ..apis import DELLIN, NAVIXY

# host -> the API it serves (https only, default port)
HOSTS = {"api.eu.navixy.com": NAVIXY, "api.us.navixy.com": NAVIXY, "api.dellin.ru": DELLIN}


@lru_cache(maxsize=1024)  # asked on every call, mostly of the same few URLs
def api_for_url(url: str) -> str | None:
    """The API a real base URL belongs to, or None for a host we leave alone."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        return None
    try:
        if parts.port not in (None, 443):
            return None
    except ValueError:  # a port that is not a number: not ours
        return None
    return api_for_host(parts.hostname or "")


@lru_cache(maxsize=256)
def api_for_host(host: str) -> str | None:
    """The API a host name belongs to; also given a Host header or a netloc
    (``[user@]host[:port]``). ``api.dellin.ru.``, the same name written as a
    fully qualified one, is the same host."""
    host = host.rpartition("@")[2]
    if not host.startswith("["):  # an IPv6 literal is none of ours
        host = host.partition(":")[0]
    host = host.lower()
    return HOSTS.get(host[:-1] if host.endswith(".") else host)


def foreign_path(api: str | None, path: str) -> tuple[int, dict] | None:
    """The API's "not found" answer (status, body) for a path that API does not have.

    For an external mock, answered here: sent on, such a call would reach the
    other API. (In process, the app answers it itself: see ``HostGuard``.) The
    rule is the app's own: the API a path belongs to must be the host's."""
    from ..clock import Clock
    from ..errors import profile_for
    from ..apis import api_for_path

    if api is None or api_for_path(path) == api:
        return None
    error = profile_for(api).not_found("", path)
    return error.http_status, error.body(Clock())


class HostGuard:
    """WSGI middleware in front of the mock app: tells it which real host was called.

    The app answers a path that host's API does not have with a 404 in that
    API's envelope, on the mock's clock, and records it in the journal."""

    def __init__(self, app):
        from ..apis import HOST_API_ENVIRON

        self.app = app
        self.environ_key = HOST_API_ENVIRON

    def __call__(self, environ, start_response):
        api = api_for_host(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        if api is not None:
            environ[self.environ_key] = api
        return self.app(environ, start_response)
