"""Fault rules at run time: ``GET/POST/DELETE /__mock/faults``."""
from __future__ import annotations

from ..errors import AdminError
from ..faults.checks import rule_problems, rules_problems
from ..web import respond, runtime
from . import operations as ops
from .request_body import json_body


def _answer(faults, rules, status=200):
    # the seed comes with every answer: a chaotic run can be replayed from it
    return respond({"seed": faults.seed, "faults": rules}, status)


def faults_list():
    faults = runtime().faults
    return _answer(faults, faults.list())


def faults_add():
    body = json_body()
    if set(body) == {"faults"}:
        rules, problems = body["faults"], rules_problems(body["faults"], "faults")
    else:
        rules, problems = [body], rule_problems(body, "")
    if problems:
        details = [{"path": path, "message": message} for path, message in problems]
        raise AdminError("the fault rule is not valid", details, status=422)
    faults = runtime().faults
    added = [faults.add(rule) for rule in rules]
    return _answer(faults, added, 201)


def faults_clear():
    faults = runtime().faults
    faults.clear()
    return _answer(faults, [])


VIEWS = {
    ops.FAULTS_LIST: faults_list,
    ops.FAULTS_ADD: faults_add,
    ops.FAULTS_CLEAR: faults_clear,
}
