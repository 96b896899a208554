"""Dellin's error codes, its error envelope and its error profile.

The codes are the docs' ("Ошибки методов API"): one table,
``schemas/dellin/errors.json``, gives each its verbatim title, HTTP status
(equal to ``metadata.status``) and link. The names below are the codes the
mock answers with; every other row can still be injected by a fault rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ..clock import dellin_timestamp
from ..errors import DELLIN, ApiError

TABLE = "dellin/errors.json"
WEBHOOK_DOCS = "https://dev.dellin.ru/api/orders/webhook/"

# the codes the mock sends (docs' titles in the comments)
CONTENT_TYPE = 100001  # Некорректный content-type
NO_METHOD = 100002  # Метод не найден
RATE_LIMIT = 100005  # Количество запросов к превышено
INTERNAL = 100006  # Внутренняя ошибка сервера
NO_APPKEY = 101001  # Требуется авторизация: appkey not passed
BAD_APPKEY = 101002  # ... appkey invalid
NO_SESSION = 101003  # ... sessionID not passed
SESSION_EXPIRED = 101004  # ... session lifetime over
UNKNOWN_SESSION = 101005  # ... session unknown, or opened with another appkey
BAD_CREDENTIALS = 101006  # ... wrong login or password
PARSE_ERROR = 101008  # Ошибка парсинга (JSON)
WRONG_FORMAT = 110001  # Неверный формат параметра
WRONG_TYPE = 110002  # Ошибка типизации
MISSING = 110003  # Отсутствует обязательный параметр
LIST_TOO_LONG = 110006  # Превышено ограничение на длину списка
NO_SUCH_OBJECT = 110007  # Объект не существует
INVALID_SET = 110008  # Недопустимый набор параметров
LIMIT_REACHED = 110010  # Достигнут лимит
NOT_IN_DIRECTORY = 117004  # значение не найдено в справочнике
INVALID_VALUE = 130008  # Недопустимое значение параметра
VALUE_TOO_LONG = 130009  # Превышено ограничение на длину значения

# metadata.detail: real answers carry the docs' placeholder "abc"; "title"
# puts the first error's title there instead
METADATA_DETAIL_ABC = "abc"
METADATA_DETAIL_TITLE = "title"
METADATA_DETAIL_CHOICES = (METADATA_DETAIL_ABC, METADATA_DETAIL_TITLE)


@lru_cache(maxsize=None)
def _table() -> dict:
    from ..schemas import default_schemas

    return default_schemas().data(TABLE)


@lru_cache(maxsize=None)
def codes() -> dict[int, dict]:
    """Every documented code: ``{code: {"code", "title", "status", "link", "docs", ...}}``."""
    return {int(row["code"]): row for row in _table()["codes"]}


def code_row(code) -> dict | None:
    """The documented row of ``code`` (title, status, link, ...), or None for a code the docs do not list."""
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return codes().get(code)


@lru_cache(maxsize=None)
def _retired() -> dict[int, dict]:
    return {int(row["old"]): row for row in _table()["retired"]}


def retired_code(code) -> dict | None:
    """``{"old", "new": [...], "note"?}`` for a code the mock used before the documented table."""
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return _retired().get(code)


def unknown_code_message(code) -> str:
    """Why a fault rule cannot inject ``code``: a retired code names its replacement."""
    old = retired_code(code)
    if old is not None:
        new = " or ".join(str(c) for c in old["new"])
        note = f" ({old['note']})" if old.get("note") else ""
        if not old["new"]:
            return f"dellin error code {code} is retired{note}"
        return f"dellin error code {code} is retired: Dellin documents {new} for it{note}"
    return f"dellin does not document error code {code}; see schemas/dellin/errors.json for the table"


@dataclass
class DellinProblem:
    """One entry of ``errors[]``: a documented code, our specific ``detail``."""

    code: int
    detail: str
    fields: list[str] = field(default_factory=list)
    valid_values: list | None = None
    bad_values: list | None = None
    link: str | None = None  # None: the code's own; webhook problems link to the webhook page

    def as_dict(self) -> dict:
        row = codes()[self.code]
        out = {
            "code": self.code,
            "title": row["title"],
            "detail": self.detail,
            "link": self.link or row["link"],
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

    def __init__(self, *problems: DellinProblem, headers: dict | None = None):
        if not problems:
            raise ValueError("a DellinError needs at least one problem")
        for problem in problems:
            if code_row(problem.code) is None:
                raise ValueError(unknown_code_message(problem.code))
        self.problems = list(problems)
        first = codes()[problems[0].code]
        self.http_status = int(first["status"])
        self.title = first["title"]
        super().__init__(f"Dellin error {problems[0].code}: {problems[0].detail}", headers)

    @classmethod
    def of(cls, code: int, detail: str, fields=(), valid_values=None, bad_values=None, link=None, headers=None):
        return cls(DellinProblem(code, detail, list(fields), valid_values, bad_values, link), headers=headers)

    @property
    def code(self) -> int:
        """The first problem's code."""
        return self.problems[0].code

    def body(self, clock=None, config=None) -> dict:
        from ..clock import Clock

        choice = getattr(config, "dellin_metadata_detail", METADATA_DETAIL_ABC)
        return {
            "metadata": {
                "status": self.http_status,
                "detail": self.title if choice == METADATA_DETAIL_TITLE else METADATA_DETAIL_ABC,
                "generated_at": dellin_timestamp((clock or Clock()).now()),
            },
            "errors": [p.as_dict() for p in self.problems],
        }


def success(clock, data=None, **extra) -> dict:
    """``{"metadata": {"status": 200, "generated_at": ...}}`` with ``data`` when given;
    ``extra`` keys named ``metadata_*`` go into metadata, the rest to the top level."""
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


class DellinProfile:
    """Dellin's answers to the errors any call can meet, all from the documented table."""

    api = DELLIN
    methods = None  # each route's own (POST)

    def not_found(self, method: str, path: str) -> DellinError:
        return DellinError.of(NO_METHOD, f"no method at {path} / метод не найден")

    def method_not_allowed(self, method: str, path: str, allowed: Iterable[str]) -> DellinError:
        allowed = list(allowed)
        return DellinError.of(
            NO_METHOD,
            f"{path} is called with {', '.join(allowed)}, not {method} / метод вызывается через {', '.join(allowed)}",
            valid_values=allowed,
            headers={"Allow": ", ".join(allowed)},
        )

    def too_large(self, detail: str) -> DellinError:
        return DellinError.of(VALUE_TOO_LONG, detail, ["body"])

    def bad_request(self, detail: str) -> DellinError:
        return DellinError.of(PARSE_ERROR, detail, ["body"])

    def unavailable(self, detail: str) -> DellinError:
        return DellinError.of(INTERNAL, f"{detail}; try again later / временная ошибка, повторите запрос позже")

    def unexpected(self, detail: str) -> DellinError:
        return DellinError.of(INTERNAL, detail)

    def injected(self, code: int, detail: str) -> DellinError:
        return DellinError.of(code, detail)

    def codes(self) -> dict[int, dict]:
        return codes()

    def status_of(self, code: int) -> int | None:
        row = code_row(code)
        return int(row["status"]) if row else None

    def title_of(self, code: int) -> str | None:
        row = code_row(code)
        return row["title"] if row else None

    def codes_in(self, body) -> list[int]:
        problems = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(problems, list):
            return []
        return [p.get("code") for p in problems if isinstance(p, dict) and "code" in p]

    def code_schema(self, codes: Iterable[int]) -> dict:
        # later errors may carry codes of other statuses: what a status pins is metadata.status
        statuses = sorted({self.status_of(code) for code in codes})
        return {"properties": {"metadata": {"properties": {"status": {"enum": statuses}}}}}

    def unknown_code_message(self, code) -> str:
        return unknown_code_message(code)


PROFILE = DellinProfile()
