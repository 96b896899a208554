"""``mockserver proxy``: a reverse proxy that passes every exchange through
unchanged and holds it against the mock's contract.

The proxy forwards each request to the target as it came (method, path,
query, body, headers; hop-by-hop headers dropped, ``Host`` the target's) and
answers with the target's status, headers and body bytes. Calls to a mocked
operation are checked (``drift.check_exchange``); each finding is logged on one
line and kept for ``GET /__mock/drift``. The proxy serves ``/__mock/health``
and ``/__mock/drift`` itself, under the same admin rules as ``serve``, and
passes any other ``/__mock`` call on to the target (a mock behind the proxy
keeps its admin API).
"""
from __future__ import annotations

import json
import logging
import threading
import zlib
from collections import Counter
from http import HTTPStatus
from urllib.parse import quote, urlsplit

import requests
from requests.utils import get_environ_proxies
from werkzeug.wrappers import Request

from ..addresses import is_loopback_name, normal_host, split_host_header
from ..apis import ADMIN_PREFIX, ADMIN_TOKEN_HEADER
from ..security import ADMIN_BODY_TYPES, SCENARIO_BODY_TYPES, SCENARIOS_PATH, same_origin, token_matches
from .drift import Finding, check_exchange
from .exchange import Exchange

log = logging.getLogger("mockserver.proxy")

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})
MAX_BODY_BYTES = 16 * 1024 * 1024


class DriftLog:
    """Every exchange's findings, shared by the request threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.exchanges = 0
        self.unchecked = 0
        self.findings: list[Finding] = []

    def add(self, findings: list[Finding] | None) -> None:
        with self._lock:
            self.exchanges += 1
            if findings is None:
                self.unchecked += 1
            else:
                self.findings.extend(findings)

    def clear(self) -> None:
        with self._lock:
            self.exchanges = self.unchecked = 0
            self.findings = []

    def as_json(self) -> dict:
        with self._lock:
            return {
                "exchanges": self.exchanges,
                "unchecked": self.unchecked,
                "findings": [f.as_dict() for f in self.findings],
            }

    def summary(self) -> str:
        with self._lock:
            kinds = Counter(f.kind for f in self.findings)
            ops = Counter(f.operation for f in self.findings)
            exchanges, unchecked, total = self.exchanges, self.unchecked, len(self.findings)
        text = f"{exchanges} exchange(s), {total} finding(s)"
        if unchecked:
            text += f"; {unchecked} call(s) to operations the mock does not model, not checked"
        if total:
            text += "\n  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
            text += "\n  by operation: " + ", ".join(f"{k} {n}" for k, n in sorted(ops.items()))
        return text


class ContractProxy:
    """The proxy as a WSGI app. ``on_exchange`` (the recorder) sees each
    checked or unchecked exchange after it has been answered."""

    def __init__(self, target: str, *, ca_bundle: str | None = None, admin_token: str | None = None,
                 allowed_hosts=(), timeout: float = 60.0, on_exchange=None):
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the target must be an http or https URL, not {target!r}")
        self.target = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.verify = ca_bundle or True
        self.admin_token = admin_token
        self.allowed_hosts = {normal_host(h) for h in allowed_hosts}
        self.timeout = timeout
        self.on_exchange = on_exchange
        self.drift = DriftLog()
        self._proxies = get_environ_proxies(self.target)
        self._local = threading.local()
        self._target_admin: bool | None = None

    def listening_on(self, host: str) -> None:
        """Add the address the proxy is bound to to the hosts its admin API answers."""
        self.allowed_hosts.add(normal_host(host))

    # ------------------------------------------------------------ WSGI
    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
            refused = self._admin_refusal(request)
            if refused is not None:
                return _json(start_response, refused[0], {"error": {"message": refused[1], "details": []}})
            if request.path == ADMIN_PREFIX + "/health" and request.method == "GET":
                return _json(start_response, 200, {"status": "ok", "proxy": self.target,
                                                   "target_admin": self.target_has_admin()})
            if request.path == ADMIN_PREFIX + "/drift":
                if request.method == "GET":
                    return _json(start_response, 200, self.drift.as_json())
                if request.method == "DELETE":
                    self.drift.clear()
                    return _json(start_response, 200, {"status": "ok"})
                return _json(start_response, 405, {"error": {"message": "GET or DELETE", "details": []}})
            return self._pass(request, start_response, check=False)
        return self._pass(request, start_response, check=True)

    def _pass(self, request: Request, start_response, check: bool):
        body = request.stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return _json(start_response, 413, {"error": {"message": "the request body is too large", "details": []}})
        try:
            answer = self._forward(request, body)
        except requests.RequestException as exc:
            log.warning("proxy: %s %s: the target could not be reached: %s", request.method, request.path,
                        type(exc).__name__)
            return _json(start_response, 502, {"error": {"message": f"the target could not be reached: {type(exc).__name__}",
                                                         "details": []}})
        status, reason, headers, raw = answer
        if check:
            self._check(request, body, status, headers, raw)
        out_headers = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
        length = next((v for k, v in headers if k.lower() == "content-length"), None)
        # a HEAD answer says the length a GET would have; any other says its own
        out_headers.append(("Content-Length", length if request.method == "HEAD" and length else str(len(raw))))
        start_response(f"{status} {reason or ''}".rstrip(), out_headers)
        return [raw]

    def _forward(self, request: Request, body: bytes):
        raw_uri = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI")
        if raw_uri and raw_uri.startswith("/"):
            path_and_query = raw_uri  # the client's bytes, not a re-encoding of them
        else:
            path_and_query = quote(request.path, safe="/:@!$&'()*+,;=-._~%")
            if request.query_string:
                path_and_query += "?" + request.query_string.decode("latin-1")
        connection_named = {
            token.strip().lower() for token in request.headers.get("Connection", "").split(",") if token.strip()
        }
        headers = {}
        for name, value in request.headers.items():
            lowered = name.lower()
            if lowered in HOP_BY_HOP or lowered in connection_named or lowered in ("host", "content-length"):
                continue
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        answer = self._session().request(
            request.method, self.target + path_and_query, data=body or None, headers=headers,
            stream=True, allow_redirects=False, verify=self.verify, timeout=self.timeout, proxies=self._proxies,
        )
        try:
            raw = answer.raw.read(decode_content=False)
        finally:
            answer.close()
        return answer.status_code, answer.reason, list(answer.raw.headers.items()), raw

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no .netrc credentials added to a forwarded call
            session.headers.clear()  # the client's headers, and no others
            self._local.session = session
        return session

    def _check(self, request: Request, body: bytes, status: int, headers, raw: bytes) -> None:
        response_headers = dict(headers)
        exchange = Exchange(
            method=request.method,
            path=request.path,
            query=list(request.args.items(multi=True)),
            request_headers=dict(request.headers.items()),
            request_body=body,
            status=status,
            response_headers=response_headers,
            response_body=_decoded(raw, response_headers),
        )
        try:
            findings = check_exchange(exchange)
        except Exception:  # a check must never cost the client its answer
            log.exception("proxy: checking %s %s failed", request.method, request.path)
            findings = None
        self.drift.add(findings)
        operation = "not a mocked operation" if findings is None else f"{len(findings)} finding(s)"
        log.info("proxy: %s %s -> %s (%s)", request.method, request.path, status, operation)
        for finding in findings or ():
            log.warning("%s", finding.line())
        if self.on_exchange is not None:
            self.on_exchange(exchange, findings)

    def target_has_admin(self) -> bool:
        if self._target_admin is None:
            from ..scenario.runner import has_admin_api

            self._target_admin = has_admin_api(self.target, session=_probe_session(self.verify))
        return self._target_admin

    # ------------------------------------------------------------ admin rules
    def _admin_refusal(self, request: Request) -> tuple[int, str] | None:
        """The same rules as the mock's admin API (``security``): Host, Origin,
        token, and a JSON (or, for a scenario, YAML) body."""
        environ = request.environ
        host = environ.get("HTTP_HOST")
        parsed = split_host_header(host) if host is not None else None
        if host is not None and (parsed is None or not (is_loopback_name(parsed[0])
                                                        or parsed[0] in self.allowed_hosts)):
            return 403, f"the admin API does not answer to Host {host!r}; start the proxy with --allow-host NAME"
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and not same_origin(origin, host, request.scheme):
            return 403, f"the admin API does not answer pages from Origin {origin!r}"
        if self.admin_token and not token_matches(self.admin_token, request.headers.get(ADMIN_TOKEN_HEADER)):
            return 401, f"the admin API needs the {ADMIN_TOKEN_HEADER} header with the proxy's admin token"
        length = environ.get("CONTENT_LENGTH") or ""
        has_body = length not in ("", "0") or "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower()
        kind = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        accepted = SCENARIO_BODY_TYPES if request.path == SCENARIOS_PATH else ADMIN_BODY_TYPES
        if (has_body or kind) and kind not in accepted:
            return 415, f"content type {kind or 'none'!r} is not accepted here; send application/json"
        return None


def _probe_session(verify) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = verify
    return session


def _decoded(raw: bytes, headers: dict) -> bytes:
    """The body with its content-encoding undone, for checking only; the client
    gets the bytes as they came."""
    encoding = next((v for k, v in headers.items() if k.lower() == "content-encoding"), "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return zlib.decompress(raw)
            except zlib.error:
                return zlib.decompress(raw, -zlib.MAX_WBITS)
    except zlib.error:
        return raw
    return raw


def _json(start_response, status: int, body: dict):
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(f"{status} {HTTPStatus(status).phrase}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]



