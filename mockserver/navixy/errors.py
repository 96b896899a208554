"""Navixy's error codes, its error envelope and its error profile.

The codes and their HTTP statuses are the docs' whole table, in one file,
``schemas/navixy/errors.json`` (the docs' default status is 400). The names
below are the general codes every call may answer and the ones the mock
sends; any row of the table can be injected by a fault rule.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from ..errors import NAVIXY, ApiError

TABLE = "navixy/errors.json"

DATABASE_ERROR = 1
SERVICE_AUTH_ERROR = 2
WRONG_HASH = 3
USER_NOT_FOUND = 4
WRONG_REQUEST_FORMAT = 5
UNEXPECTED_ERROR = 6
INVALID_PARAMETERS = 7
QUEUE_SERVICE_ERROR = 8
TOO_LARGE_REQUEST = 9
ACCESS_DENIED = 11
DEALER_NOT_FOUND = 12
OPERATION_NOT_PERMITTED = 13
DATABASE_UNAVAILABLE = 14
TOO_MANY_REQUESTS = 15
DEMO_MODE = 101
WRONG_HANDLER = 111
WRONG_METHOD = 112
NOT_FOUND_IN_DATABASE = 201
TARIFF_RESTRICTION = 236

# the HTTP methods a Navixy call takes (docs): never HEAD, though werkzeug
# answers HEAD wherever GET is routed
METHODS = ("GET", "POST")


@lru_cache(maxsize=None)
def codes() -> dict[int, dict]:
    """Every documented code: ``{code: {"code", "http", "description", "when"?}}``."""
    from ..schemas import default_schemas

    return {int(row["code"]): row for row in default_schemas().data(TABLE)["codes"]}


def code_row(code) -> dict | None:
    """The documented row of ``code`` (description, http), or None for a code the docs do not list."""
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return codes().get(code)


def unknown_code_message(code) -> str:
    return f"navixy does not document error code {code}; see schemas/navixy/errors.json for the table"


class NavixyError(ApiError):
    api = NAVIXY

    def __init__(self, code: int, description: str | None = None, errors: list[dict] | None = None,
                 headers: dict | None = None):
        row = code_row(code)
        if row is None:
            raise ValueError(unknown_code_message(code))
        self.code = code
        self.description = description or row["description"]
        self.http_status = int(row["http"])
        self.errors = errors
        super().__init__(f"Navixy error {code}: {self.description}", headers)

    def body(self, clock=None, config=None) -> dict:
        body = {"success": False, "status": {"code": self.code, "description": self.description}}
        if self.errors:
            body["errors"] = self.errors
        return body


def success(value) -> dict:
    return {"success": True, "value": value}


class NavixyProfile:
    """Navixy's answers to the errors any call can meet."""

    api = NAVIXY
    methods = METHODS

    def not_found(self, method: str, path: str) -> NavixyError:
        return NavixyError(WRONG_HANDLER)

    def method_not_allowed(self, method: str, path: str, allowed: Iterable[str]) -> NavixyError:
        shown = [m for m in allowed if m in METHODS]
        return NavixyError(WRONG_METHOD, headers={"Allow": ", ".join(shown)})

    def too_large(self, detail: str) -> NavixyError:
        return NavixyError(TOO_LARGE_REQUEST)

    def bad_request(self, detail: str) -> NavixyError:
        return NavixyError(WRONG_REQUEST_FORMAT, errors=[{"parameter": "body", "error": detail}])

    def unavailable(self, detail: str) -> NavixyError:
        return NavixyError(DATABASE_UNAVAILABLE)

    def unexpected(self, detail: str) -> NavixyError:
        return NavixyError(UNEXPECTED_ERROR)

    def injected(self, code: int, detail: str) -> NavixyError:
        return NavixyError(code)

    def codes(self) -> dict[int, dict]:
        return codes()

    def status_of(self, code: int) -> int | None:
        row = code_row(code)
        return int(row["http"]) if row else None

    def title_of(self, code: int) -> str | None:
        row = code_row(code)
        return row["description"] if row else None

    def codes_in(self, body) -> list[int]:
        status = body.get("status") if isinstance(body, dict) else None
        return [status["code"]] if isinstance(status, dict) and "code" in status else []

    def code_schema(self, codes: Iterable[int]) -> dict:
        return {"properties": {"status": {"properties": {"code": {"enum": sorted(codes)}}}}}

    def unknown_code_message(self, code) -> str:
        return unknown_code_message(code)


PROFILE = NavixyProfile()
