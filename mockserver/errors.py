"""Errors are values with a code: one type per API, rendered in that API's
envelope here and nowhere else."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .apis import ADMIN, DELLIN, NAVIXY
from .clock import dellin_timestamp


class ApiError(Exception):
    api: str = ""

    def __init__(self, message: str):
        super().__init__(message)


# ---------------------------------------------------------------- Navixy
@lru_cache(maxsize=None)
def navixy_codes() -> dict[int, dict]:
    from .schemas import default_schemas

    table = default_schemas().data("navixy/errors.json")
    return {int(row["code"]): row for row in table["codes"]}


class NavixyError(ApiError):
    api = NAVIXY

    def __init__(self, code: int, description: str | None = None, errors: list[dict] | None = None):
        row = navixy_codes().get(code)
        if row is None:
            raise ValueError(f"Navixy error code {code} is not in schemas/navixy/errors.json")
        self.code = code
        self.description = description or row["description"]
        self.http_status = int(row["http"])
        self.errors = errors
        super().__init__(f"Navixy error {code}: {self.description}")

    def body(self, clock=None) -> dict:
        body = {"success": False, "status": {"code": self.code, "description": self.description}}
        if self.errors:
            body["errors"] = self.errors
        return body


def navixy_success(value) -> dict:
    return {"success": True, "value": value}


# ---------------------------------------------------------------- Dellin
@lru_cache(maxsize=None)
def dellin_codes() -> dict[int, dict]:
    from .schemas import default_schemas

    table = default_schemas().data("dellin/errors.json")
    return {int(row["code"]): row for row in table["codes"]}


@dataclass
class DellinProblem:
    code: int
    detail: str
    fields: list[str] = field(default_factory=list)
    valid_values: list | None = None
    bad_values: list | None = None

    def as_dict(self) -> dict:
        row = dellin_codes()[self.code]
        out = {
            "code": self.code,
            "title": row["title"],
            "detail": self.detail,
            "link": row["link"],
            "fields": list(self.fields),
        }
        if self.valid_values is not None:
            out["validValues"] = list(self.valid_values)
        if self.bad_values is not None:
            out["badValues"] = list(self.bad_values)
        return out


class DellinError(ApiError):
    """One or more problems; the HTTP status is that of the first problem's code."""

    api = DELLIN

    def __init__(self, *problems: DellinProblem, status: int | None = None):
        if not problems:
            raise ValueError("a DellinError needs at least one problem")
        for problem in problems:
            if problem.code not in dellin_codes():
                raise ValueError(f"Dellin error code {problem.code} is not in schemas/dellin/errors.json")
        self.problems = list(problems)
        first = dellin_codes()[problems[0].code]
        self.http_status = status or int(first["status"])
        self.detail = first["title"]
        super().__init__(f"Dellin error {problems[0].code}: {problems[0].detail}")

    @classmethod
    def of(cls, code: int, detail: str, fields=(), valid_values=None, bad_values=None, status=None):
        return cls(DellinProblem(code, detail, list(fields), valid_values, bad_values), status=status)

    def body(self, clock) -> dict:
        return {
            "metadata": {
                "status": self.http_status,
                "detail": self.detail,
                "generated_at": dellin_timestamp(clock.now()),
            },
            "errors": [p.as_dict() for p in self.problems],
        }


def dellin_success(clock, data=None, **extra) -> dict:
    """``{"metadata": {"status": 200, "generated_at": ...}, "data": ...}``; ``extra``
    keys named ``metadata_*`` go into metadata, the rest to the top level."""
    metadata = {"status": 200, "generated_at": dellin_timestamp(clock.now())}
    body = {"metadata": metadata}
    for key, value in extra.items():
        if key.startswith("metadata_"):
            metadata[key[len("metadata_"):]] = value
        else:
            body[key] = value
    if data is not None:
        body["data"] = data
    return body


# ---------------------------------------------------------------- admin
class AdminError(ApiError):
    api = ADMIN

    def __init__(self, message: str, details: list | None = None, status: int = 400):
        self.message = message
        self.details = list(details or [])
        self.http_status = status
        super().__init__(message)

    def body(self, clock=None) -> dict:
        return {"error": {"message": self.message, "details": self.details}}


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
