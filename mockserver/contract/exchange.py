"""One request and its answer, as they passed between a client and a provider."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

JSON_TYPES = ("application/json",)
FORM_TYPE = "application/x-www-form-urlencoded"
NOT_JSON = object()


def mimetype(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_json(body: bytes):
    """The JSON value of ``body``, or ``NOT_JSON``."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return NOT_JSON


@dataclass
class Exchange:
    method: str
    path: str  # decoded, without the query
    query: list[tuple[str, str]] = field(default_factory=list)
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: bytes = b""
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""  # content-encoding undone

    def header(self, name: str, response: bool = False) -> str | None:
        headers = self.response_headers if response else self.request_headers
        return next((v for k, v in headers.items() if k.lower() == name.lower()), None)

    @property
    def request_mimetype(self) -> str:
        return mimetype(self.header("Content-Type"))

    @property
    def response_mimetype(self) -> str:
        return mimetype(self.header("Content-Type", response=True))

    def request_body_value(self):
        """The body as the API reads it: a JSON value, a form (dict), None when
        there is none, or ``NOT_JSON``."""
        if not self.request_body:
            return None
        if self.request_mimetype == FORM_TYPE:
            return dict(parse_qsl(self.request_body.decode("utf-8", "replace"), keep_blank_values=True))
        return parse_json(self.request_body)

    def response_json(self):
        return parse_json(self.response_body)

    def request_params(self, api: str):
        """The instance that the operation's request schema describes.

        Navixy reads the body (JSON or form), then the query, then the
        ``Authorization: NVX <hash>`` header; Dellin reads the JSON body alone.
        """
        body = self.request_body_value()
        if api != "navixy":
            return {} if body is None else body
        params: dict = {}
        for key, value in self.query:
            params.setdefault(key, value)
        if isinstance(body, dict):
            params.update(body)
        elif body is NOT_JSON:
            return NOT_JSON
        header = self.header("Authorization") or ""
        if "hash" not in params and header.startswith("NVX ") and " " not in header[4:]:
            params["hash"] = header[4:]
        return params


def from_response(answer, base_url: str = "") -> Exchange:
    """The exchange behind a ``requests`` response (the body as decoded), its
    path relative to ``base_url``'s."""
    prepared = answer.request
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    path = unquote(url.path) or "/"
    prefix = unquote(urlsplit(base_url).path).rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix):]
    return Exchange(
        method=prepared.method,
        path=path,
        query=parse_qsl(url.query, keep_blank_values=True),
        request_headers=dict(prepared.headers),
        request_body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
        status=answer.status_code,
        response_headers=dict(answer.headers),
        response_body=answer.content,
    )
