"""``mockserver verify``: a bundled, safe check of a provider, one per API.

Credentials come from the environment (``NAVIXY_HASH``; ``DELLIN_APPKEY``,
``DELLIN_LOGIN``, ``DELLIN_PASSWORD``). By default only calls that change
nothing on the provider run (a Dellin login, and the logout of that same
session, are the exception a session needs). ``allow_writes`` adds the calls
that change state, each undone afterwards where the API can undo it: a
subscription it creates, it deletes. Every answer is held against the
schemas and error tables as the proxy does; drift fails the check it
happened in.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import requests
from requests.utils import get_environ_proxies

from .drift import Finding, check_exchange
from .error_tables import documented_status
from .exchange import from_response
from .masking import masked, secrets_of

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
NAVIXY_ENV = ("NAVIXY_HASH",)
DELLIN_ENV = ("DELLIN_APPKEY", "DELLIN_LOGIN", "DELLIN_PASSWORD")
# optional: where the subscription that --allow-writes creates points, and an
# order of the account's to add to it and remove again
DELLIN_WEBHOOK_URL_ENV = "DELLIN_WEBHOOK_URL"
DELLIN_ORDER_ENV = "DELLIN_ORDER_NUMBER"
DEFAULT_WEBHOOK_URL = "https://example.com/mockserver-verify"
UNKNOWN_HASH = "0" * 32  # well formed, and no account's
UNKNOWN_SUBSCRIPTION = 2147483647
UNKNOWN_SESSION = "00000000-0000-0000-0000-00000000dead"
API_ENV = {"navixy": NAVIXY_ENV, "dellin": DELLIN_ENV}


@dataclass
class CheckResult:
    api: str
    name: str
    status: str = PASSED
    message: str = ""
    findings: list[Finding] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # "METHOD path -> status", credentials masked
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == FAILED


class _Failed(Exception):
    pass


class _Skipped(Exception):
    pass


class Verifier:
    """Runs one API's checks against ``target``; ``results`` in order."""

    def __init__(self, target: str, env: dict, *, allow_writes: bool = False, ca_bundle: str | None = None,
                 timeout: float = 30.0):
        self.target = target.rstrip("/")
        self.env = env
        self.allow_writes = allow_writes
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE would override --target-ca; no .netrc
        self.session.verify = ca_bundle or True
        self.session.proxies = get_environ_proxies(self.target)
        self.secrets = {v for k, v in env.items() if k in NAVIXY_ENV + DELLIN_ENV and v}
        self.results: list[CheckResult] = []
        self._current: CheckResult | None = None

    # ------------------------------------------------------------ plumbing
    def check(self, api: str, name: str, body, *, writes: bool = False) -> CheckResult:
        result = CheckResult(api, name)
        self._current = result
        started = time.perf_counter()
        try:
            if writes and not self.allow_writes:
                raise _Skipped("changes the provider's state: --allow-writes runs it")
            body()
        except _Skipped as why:
            result.status, result.message = SKIPPED, str(why)
        except _Failed as why:
            result.status, result.message = FAILED, str(why)
        except requests.RequestException as exc:
            result.status, result.message = FAILED, f"the call failed: {type(exc).__name__}"
        result.seconds = time.perf_counter() - started
        if result.findings and result.status == PASSED:
            result.status = FAILED
            result.message = f"{len(result.findings)} drift finding(s)"
        self.results.append(result)
        self._current = None
        return result

    def call(self, method: str, path: str, *, json=None, params=None, headers=None, expect=(200,)):
        answer = self.session.request(method, self.target + path, json=json, params=params, headers=headers,
                                      timeout=self.timeout, allow_redirects=False)
        result = self._current
        result.calls.append(f"{method} {path} -> {answer.status_code}")
        findings = check_exchange(from_response(answer, self.target))
        secrets = self.secrets | secrets_of(json, headers) | secrets_of(params)
        result.findings.extend(_scrubbed(f, secrets) for f in findings or ())
        if answer.status_code not in expect:
            wanted = "a 4xx" if isinstance(expect, range) else " or ".join(map(str, expect))
            raise _Failed(f"{method} {path}: expected {wanted}, got {answer.status_code}{_code_of(answer)}")
        return answer

    def json_of(self, answer):
        try:
            return answer.json()
        except ValueError:
            raise _Failed(f"{answer.request.method} {answer.request.path_url.split('?')[0]}: the answer is not JSON")


# ------------------------------------------------------------------ Navixy
def navixy_checks(v: Verifier) -> None:
    hash_ = v.env["NAVIXY_HASH"]
    read = "/v2/user/session/delivery/read"
    create = "/v2/user/session/delivery/create"
    no_session = (200, documented_status("navixy", 201))

    def read_by(kind):
        def body():
            if kind == "query":
                v.call("GET", read, params={"hash": hash_}, expect=no_session)
            elif kind == "json":
                v.call("POST", read, json={"hash": hash_}, expect=no_session)
            else:
                v.call("POST", read, headers={"Authorization": f"NVX {hash_}"}, expect=no_session)
        return body

    v.check("navixy", "delivery/read, hash in the query", read_by("query"))
    v.check("navixy", "delivery/read, hash in a JSON body", read_by("json"))
    v.check("navixy", "delivery/read, Authorization: NVX", read_by("header"))

    def unknown_hash():
        answer = v.call("GET", read, params={"hash": UNKNOWN_HASH}, expect=(documented_status("navixy", 4),))
        code = ((v.json_of(answer).get("status") or {}).get("code"))
        if code != 4:
            raise _Failed(f"an unknown hash: expected code 4, got {code!r}")

    v.check("navixy", "delivery/read of an unknown hash is code 4", unknown_hash)

    def create_then_read():
        answer = v.call("POST", create, json={"hash": hash_},
                        expect=(200, *(documented_status("navixy", c) for c in (13, 101, 236))))
        if answer.status_code != 200:
            raise _Skipped(f"the account may not create a delivery session{_code_of(answer)}")
        value = v.json_of(answer).get("value")
        again = v.json_of(v.call("GET", read, params={"hash": hash_}))
        if again.get("value") != value:
            raise _Failed("delivery/read does not give the key delivery/create just made")

    # there is no call that removes a delivery session: the new key replaces the account's current one
    v.check("navixy", "delivery/create, then read gives the new key (replaces the current key)",
            create_then_read, writes=True)


# ------------------------------------------------------------------ Dellin
def dellin_checks(v: Verifier) -> None:
    appkey = v.env["DELLIN_APPKEY"]
    state: dict = {}

    def auth(extra=None):
        return {"appkey": appkey, "sessionID": state["session"], **(extra or {})}

    def login():
        answer = v.call("POST", "/v3/auth/login.json",
                        json={"appkey": appkey, "login": v.env["DELLIN_LOGIN"], "password": v.env["DELLIN_PASSWORD"]})
        session = (v.json_of(answer).get("data") or {}).get("sessionID")
        if not isinstance(session, str) or not session:
            raise _Failed("login: no data.sessionID in the answer")
        state["session"] = session

    def needs_session():
        if "session" not in state:
            raise _Skipped("no session: the login failed")

    def listing():
        needs_session()
        data = v.json_of(v.call("POST", "/v1/webhooks", json=auth())).get("data")
        state["subscriptions"] = [s["id"] for s in data if isinstance(s, dict) and "id" in s] if isinstance(
            data, list) else []

    def one():
        needs_session()
        if not state.get("subscriptions"):
            raise _Skipped("the account has no subscription to read")
        v.call("POST", f"/v1/webhooks/{state['subscriptions'][0]}", json=auth())

    def orders():
        needs_session()
        if not state.get("subscriptions"):
            raise _Skipped("the account has no subscription to read")
        v.call("POST", f"/v1/webhooks/{state['subscriptions'][0]}/orders", json=auth({"page": 1, "perPage": 1}))

    def unknown_subscription():
        needs_session()
        answer = v.call("POST", f"/v1/webhooks/{UNKNOWN_SUBSCRIPTION}", json=auth(), expect=range(400, 500))
        if "errors" not in v.json_of(answer):
            raise _Failed("an unknown subscription: the answer has no errors[]")

    def unknown_session():
        answer = v.call("POST", "/v1/webhooks", json={"appkey": appkey, "sessionID": UNKNOWN_SESSION},
                        expect=range(400, 500))
        if "errors" not in v.json_of(answer):
            raise _Failed("an unknown session: the answer has no errors[]")

    v.check("dellin", "auth/login", login)
    v.check("dellin", "webhooks: the account's subscriptions", listing)
    v.check("dellin", "webhooks/{id}: one subscription", one)
    v.check("dellin", "webhooks/{id}/orders: the first page", orders)
    v.check("dellin", "webhooks/{id} of an unknown id is an error", unknown_subscription)
    v.check("dellin", "webhooks with an unknown session is an error", unknown_session)
    _dellin_writes(v, state, auth, needs_session)

    def logout():
        needs_session()
        v.call("POST", "/v3/auth/logout.json", json=auth())

    v.check("dellin", "auth/logout of the session this check opened", logout)


def _dellin_writes(v: Verifier, state: dict, auth, needs_session) -> None:
    url = v.env.get(DELLIN_WEBHOOK_URL_ENV) or DEFAULT_WEBHOOK_URL
    order = v.env.get(DELLIN_ORDER_ENV)

    def create():
        needs_session()
        sent = {"url": url, "eventTypes": ["order.state.processing"], "orderRoles": ["sender"]}
        data = v.json_of(v.call("POST", "/v1/webhooks/update", json=auth(sent))).get("data") or {}
        if not isinstance(data.get("id"), int):
            raise _Failed("webhooks/update: no integer data.id for the new subscription")
        state["created"] = data["id"]
        shown = v.json_of(v.call("POST", f"/v1/webhooks/{data['id']}", json=auth())).get("data") or {}
        differs = [k for k, value in sent.items() if shown.get(k) != value]
        if differs:
            raise _Failed(f"the new subscription reads back with other {', '.join(differs)}")

    def change():
        if "created" not in state:
            raise _Skipped("no subscription was created")
        sent = {"id": state["created"], "url": url, "orderRoles": ["sender", "payer"], "state": "disabled"}
        data = v.json_of(v.call("POST", "/v1/webhooks/update", json=auth(sent))).get("data") or {}
        if data.get("state") != "disabled" or data.get("orderRoles") != ["sender", "payer"]:
            raise _Failed("webhooks/update with an id: the answer does not show the change")

    def orders():
        if "created" not in state:
            raise _Skipped("no subscription was created")
        if not order:
            raise _Skipped(f"set {DELLIN_ORDER_ENV} to one of the account's orders to check orders/add and delete")
        base = f"/v1/webhooks/{state['created']}/orders"
        v.call("POST", base + "/add", json=auth({"orderNumbers": [order]}))
        found = v.json_of(v.call("POST", base, json=auth({"orderNumber": order}))).get("orders")
        if found != [order]:
            raise _Failed("orders with orderNumber: the added order is not listed")
        v.call("POST", base + "/delete", json=auth({"orderNumbers": [order]}))

    def delete():
        # runs whenever a subscription was created, whatever failed before: the clean-up
        if "created" not in state:
            raise _Skipped("no subscription was created")
        v.call("POST", "/v1/webhooks/delete", json=auth({"ids": [state["created"]]}))
        gone = v.call("POST", f"/v1/webhooks/{state['created']}", json=auth(), expect=range(400, 500))
        if gone.status_code < 400:
            raise _Failed("the deleted subscription can still be read")

    v.check("dellin", "webhooks/update: create a subscription, read it back", create, writes=True)
    v.check("dellin", "webhooks/update: change it", change, writes=True)
    v.check("dellin", "orders/add, orders?orderNumber, orders/delete", orders, writes=True)
    v.check("dellin", "webhooks/delete: delete it again (clean-up)", delete, writes=True)


CHECKS = {"navixy": navixy_checks, "dellin": dellin_checks}


def verify(target: str, apis: list[str], env: dict | None = None, **options) -> list[CheckResult]:
    env = dict(os.environ if env is None else env)
    results: list[CheckResult] = []
    for api in apis:
        verifier = Verifier(target, env, **options)
        CHECKS[api](verifier)
        results.extend(verifier.results)
    return results


def missing_credentials(api: str, env: dict) -> list[str]:
    return [name for name in API_ENV[api] if not env.get(name)]


def _code_of(answer) -> str:
    try:
        body = answer.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("status"), dict):
        return f" (code {body['status'].get('code')})"
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        return f" (code {first.get('code')})" if isinstance(first, dict) else ""
    return ""


def _scrubbed(finding: Finding, secrets: set[str]) -> Finding:
    return Finding(finding.operation, finding.status, finding.kind, finding.path,
                   masked(finding.expected, secrets), masked(finding.actual, secrets), finding.direction)
