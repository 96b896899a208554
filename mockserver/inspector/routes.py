"""Serves the inspector page's three files from the package.

The files are fixed routes read once from the package, so nothing in a
request names a file. They hold no data: the page asks the admin API for
everything, sending the admin token header itself when the mock has a token,
so the shell is served without one (the admin API's Host and Origin checks
still apply). A strict Content-Security-Policy allows only the page's own
script and style, and calls to its own origin.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from flask import current_app

from .operations import OPERATIONS, PAGE, SCRIPT, STYLE

FILES = {PAGE: "index.html", SCRIPT: "inspector.js", STYLE: "inspector.css"}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@lru_cache(maxsize=None)
def page_file(name: str) -> bytes:
    return resources.files(__package__).joinpath("page", name).read_bytes()


def _serve(operation):
    def view():
        body = page_file(FILES[operation])
        response = current_app.response_class(body, mimetype=operation.media_type)
        response.headers.update(SECURITY_HEADERS)
        return response

    view.__name__ = operation.endpoint
    return view


VIEWS = {operation: _serve(operation) for operation in OPERATIONS}
