"""Fault rules at run time: ``GET/POST/DELETE /__mock/faults``."""
from __future__ import annotations

from ..errors import AdminError
from ..faults.checks import rule_problems, rules_problems
from ..web import respond, runtime
from . import operations as ops
from .request_body import json_body


def faults_list():
    return respond({"faults": runtime().faults.list()})


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
    return respond({"faults": added}, 201)


def faults_clear():
    runtime().faults.clear()
    return respond({"faults": []})


VIEWS = {
    ops.FAULTS_LIST: faults_list,
    ops.FAULTS_ADD: faults_add,
    ops.FAULTS_CLEAR: faults_clear,
}
