"""Reading an admin call's JSON body: an object within the body limit, and
checked against its schema, or an AdminError."""
from __future__ import annotations

from flask import request

from ..body import BodyProblem, read_object
from ..errors import AdminError
from ..web import runtime


def json_body(required: bool = True) -> dict:
    try:
        body = read_object(request, runtime().config.max_body_bytes, allow_form=False)
    except BodyProblem as problem:
        status = 413 if problem.kind == BodyProblem.TOO_LARGE else 400
        raise AdminError(problem.message, [problem.kind], status=status) from None
    if body is None:
        if required:
            raise AdminError("a JSON object body is required")
        return {}
    return body


def schema_checked(schema: str, instance) -> None:
    problems = runtime().schemas.problems(schema, instance)
    if problems:
        raise AdminError(
            "the body does not match " + schema,
            [{"path": p.path, "message": p.message} for p in problems],
            status=422,
        )
