"""Fault rules at run time: ``GET/POST/DELETE /__mock/faults``."""
from __future__ import annotations

from flask import Blueprint

from ..errors import AdminError
from ..faults import rule_problems, rules_problems
from ..web import register, respond, runtime
from .operations import admin_operation

FAULTS = "admin/faults.schema.json"
FAULTS_LIST = admin_operation("faults.list", "/faults", ["GET"], "The fault rules, with how often each fired",
                              response_schema=FAULTS)
FAULTS_ADD = admin_operation(
    "faults.add", "/faults", ["POST"], "Add a fault rule, or {\"faults\": [rules]}; all are checked before any is added",
    request_schema="scenario/fault.schema.json", response_schema=FAULTS, success_status=201,
)
FAULTS_CLEAR = admin_operation("faults.clear", "/faults", ["DELETE"], "Remove every fault rule", response_schema=FAULTS)

OPERATIONS = (FAULTS_LIST, FAULTS_ADD, FAULTS_CLEAR)


def faults_list():
    return respond({"faults": runtime().faults.list()})


def faults_add():
    from .routes import json_body

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


def blueprint() -> Blueprint:
    bp = Blueprint("admin_faults", __name__)
    register(bp, FAULTS_LIST, faults_list)
    register(bp, FAULTS_ADD, faults_add)
    register(bp, FAULTS_CLEAR, faults_clear)
    return bp
