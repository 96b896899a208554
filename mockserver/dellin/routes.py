"""Dellin's thin HTTP layer."""
from __future__ import annotations

from flask import Blueprint


def blueprint() -> Blueprint:
    return Blueprint("dellin", __name__)
