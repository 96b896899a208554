"""The admin token: with ``config.admin_token`` set, every ``/__mock`` call
must carry it in ``X-Mock-Admin-Token``. The mocked APIs never need it, as
the real services know nothing of it."""
from __future__ import annotations

import hmac

from flask import current_app, g, request

from .errors import ADMIN, AdminError
from .inspector.routes import SHELL_OPERATIONS
from .web import api_for_path

ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"


def token_matches(expected: str, given: str | None) -> bool:
    if given is None:
        return False
    # constant time, so the answer's timing tells nothing about the token
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "surrogatepass"))


def require_admin_token():
    """A before_request hook; unknown ``/__mock`` paths are guarded too."""
    expected = current_app.extensions["mockserver"].config.admin_token
    if not expected or api_for_path(request.path) != ADMIN:
        return None
    if g.get("operation") in SHELL_OPERATIONS:
        return None  # the inspector page's files: no data; the page sends the token on its calls
    if not token_matches(expected, request.headers.get(ADMIN_TOKEN_HEADER)):
        raise AdminError(
            f"the admin API needs the {ADMIN_TOKEN_HEADER} header with the mock's admin token",
            ["unauthorized"],
            status=401,
        )
    return None
