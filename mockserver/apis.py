"""The APIs one mock serves on one host, and which of them a path belongs to.

Navixy lives under ``/v2``, the mock's own admin API under ``/__mock``, and
Dellin at the host root. No Flask here: the interceptor and the admin clients
import these names too.
"""
from __future__ import annotations

NAVIXY, DELLIN, ADMIN = "navixy", "dellin", "admin"

NAVIXY_PREFIX = "/v2"
ADMIN_PREFIX = "/__mock"
# with an admin token configured, every admin call carries it in this header
ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"
# WSGI environ key set by the in-process interceptor: the API of the real host that was called
HOST_API_ENVIRON = "mockserver.host_api"


def api_for_path(path: str) -> str:
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        return ADMIN
    if path == NAVIXY_PREFIX or path.startswith(NAVIXY_PREFIX + "/"):
        return NAVIXY
    # Dellin's base URL is the host root
    return DELLIN
