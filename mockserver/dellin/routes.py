"""Dellin's thin HTTP layer."""
from __future__ import annotations

from flask import Blueprint

from .operations import OPERATIONS  # noqa: F401  (this module's rows of the route table)


def blueprint() -> Blueprint:
    return Blueprint("dellin", __name__)
