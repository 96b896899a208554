"""Errors are values with a code. Each API has one error type and one error
profile, which render that API's envelope, here for the admin API and in
``navixy/errors.py`` and ``dellin/errors.py`` for the two mocked APIs; nothing
else builds an error body. Callers that do not know the API ask
``profile_for(api)`` for the profile and never compare API names.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Protocol

from .apis import ADMIN, DELLIN, NAVIXY


class ApiError(Exception):
    """An error answer: ``http_status``, ``headers`` and ``body()`` in the API's envelope."""

    api: str = ""
    http_status: int = 400

    def __init__(self, message: str, headers: dict | None = None):
        super().__init__(message)
        self.headers = dict(headers or {})

    def body(self, clock=None, config=None) -> dict:  # pragma: no cover - every subclass has one
        raise NotImplementedError


class ErrorProfile(Protocol):
    """How one API answers the errors that any call can meet, and its code table."""

    api: str
    methods: tuple[str, ...] | None  # the only HTTP methods any call takes; None: each route's own

    def not_found(self, method: str, path: str) -> ApiError: ...
    def method_not_allowed(self, method: str, path: str, allowed: Iterable[str]) -> ApiError: ...
    def too_large(self, detail: str) -> ApiError: ...
    def bad_request(self, detail: str) -> ApiError: ...
    def unavailable(self, detail: str) -> ApiError: ...
    def unexpected(self, detail: str) -> ApiError: ...
    def injected(self, code: int, detail: str) -> ApiError: ...
    # the code table, for fault rules, the OpenAPI document and drift checks
    def codes(self) -> dict[int, dict]: ...
    def status_of(self, code: int) -> int | None: ...
    def title_of(self, code: int) -> str | None: ...
    def codes_in(self, body) -> list[int]: ...  # an error body's codes; the first one sets the status
    def code_schema(self, codes: Iterable[int]) -> dict: ...  # JSON Schema: what an answer with these codes pins
    def unknown_code_message(self, code) -> str: ...


def profile_for(api: str) -> ErrorProfile:
    """The error profile of ``api`` (navixy, dellin or admin)."""
    return _profiles()[api]


@lru_cache(maxsize=1)
def _profiles() -> dict[str, ErrorProfile]:
    # imported here: the API modules build on ApiError above
    from .dellin.errors import PROFILE as DELLIN_PROFILE
    from .navixy.errors import PROFILE as NAVIXY_PROFILE

    return {NAVIXY: NAVIXY_PROFILE, DELLIN: DELLIN_PROFILE, ADMIN: ADMIN_PROFILE}


# ---------------------------------------------------------------- admin
class AdminError(ApiError):
    api = ADMIN

    def __init__(self, message: str, details: list | None = None, status: int = 400, headers: dict | None = None):
        self.message = message
        self.details = list(details or [])
        self.http_status = status
        super().__init__(message, headers)

    def body(self, clock=None, config=None) -> dict:
        return {"error": {"message": self.message, "details": self.details}}


class AdminProfile:
    """The mock's own API: plain messages with the HTTP status that fits."""

    api = ADMIN
    methods = None

    def not_found(self, method: str, path: str) -> AdminError:
        return AdminError(f"no admin endpoint {path}", status=404)

    def method_not_allowed(self, method: str, path: str, allowed: Iterable[str]) -> AdminError:
        allowed = list(allowed)
        return AdminError(f"{method} is not allowed on {path}", status=405, headers={"Allow": ", ".join(allowed)})

    def too_large(self, detail: str) -> AdminError:
        return AdminError(detail, ["too_large"], status=413)

    def bad_request(self, detail: str) -> AdminError:
        return AdminError(detail)

    def unavailable(self, detail: str) -> AdminError:
        return AdminError(detail, ["unavailable"], status=503)

    def unexpected(self, detail: str) -> AdminError:
        return AdminError(detail, status=500)

    def injected(self, code: int, detail: str) -> AdminError:
        raise ValueError("the admin API is never faulted: it has no error codes to inject")

    def codes(self) -> dict[int, dict]:
        return {}

    def status_of(self, code: int) -> int | None:
        return None

    def title_of(self, code: int) -> str | None:
        return None

    def codes_in(self, body) -> list[int]:
        return []

    def code_schema(self, codes: Iterable[int]) -> dict:
        return {}

    def unknown_code_message(self, code) -> str:
        return "the admin API has no error codes"


ADMIN_PROFILE = AdminProfile()


# ---------------------------------------------------------------- requests that cannot be read
class BodyProblem(Exception):
    """The request body could not be read as a JSON object (or a form)."""

    MALFORMED = "malformed"
    NOT_OBJECT = "not_object"
    BAD_ENCODING = "bad_encoding"
    TOO_LARGE = "too_large"
    CONTENT_TYPE = "content_type"

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(message)
