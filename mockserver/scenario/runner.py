"""Running a scenario's steps against a base URL, over HTTP.

Everything goes through HTTP (the admin API for clock, events, deliveries and
state), so the same steps run against the mock in-process, against a mock
started elsewhere, or against a real sandbox, where the admin-only steps are
skipped. No pytest here: the pytest plugin and the CLI both call
``run_scenario`` and render its ``StepResult``s.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import requests

from ..apis import ADMIN_PREFIX
from ..clock import parse_duration
from ..testing.admin import AdminClient, MockAdminError
from .matcher import ABSENT, diff, mismatches
from .variables import UnknownVariable, references, substitute

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
DEFAULT_TIMEOUT = 30.0


@dataclass
class StepResult:
    index: int  # position in ``steps``; -1 for loading the scenario itself
    kind: str  # load | request | advance_clock | trigger_event | expect_deliveries | expect_state
    title: str
    status: str  # passed | failed | skipped
    message: str = ""  # why it failed or was skipped
    diff: str = ""  # expected vs actual, for a failed expectation
    saved: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    @property
    def skipped(self) -> bool:
        return self.status == SKIPPED

    def report(self) -> str:
        """One line, plus the message and diff indented when there are any."""
        label = {PASSED: "ok  ", FAILED: "FAIL", SKIPPED: "skip"}[self.status]
        number = "load" if self.index < 0 else f"{self.index + 1:>4}"
        lines = [f"{label} {number} {self.title}"]
        for text in (self.message, self.diff):
            lines.extend("          " + line for line in text.splitlines())
        return "\n".join(lines)


class StepFailed(Exception):
    def __init__(self, message: str, diff_text: str = ""):
        super().__init__(message)
        self.diff = diff_text


class _Skip(Exception):
    pass


def has_admin_api(base_url: str, session=None, *, admin_token: str | None = None, timeout: float = 5.0) -> bool:
    """Whether ``base_url`` serves the mock's admin API (``GET /__mock/health``)."""
    return AdminClient(base_url, admin_token, session=session, timeout=timeout).is_mock()


def run_scenario(
    doc: dict,
    base_url: str,
    *,
    admin: bool = True,
    load: bool = True,
    session: requests.Session | None = None,
    admin_token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_result=None,
    variables: dict | None = None,
    drift: list | None = None,
    keep_going: bool = False,
) -> list[StepResult]:
    """Run ``doc``'s steps against ``base_url``; one result per step.

    ``admin``: the target has the mock's admin API; when false, admin-only
    steps are skipped. ``load``: first load ``doc`` into the target (state,
    clock and faults) through ``POST /__mock/scenarios``. The first failure
    stops the run and the steps after it are reported skipped, unless
    ``keep_going`` (a failed load still stops it). ``on_result`` is
    called with each result as soon as it is known. ``variables`` seed
    ``${name}`` over the scenario's own ``variables``; ``base_url`` is always set, and ``receiver_url`` starts a
    loopback receiver for the run when a step uses it and none is given.
    ``drift``: a list that gets ``(step index, finding)`` for every way an
    answer departs from the schemas and error tables (kept apart from the
    steps' own verdicts).
    """
    variables = {"base_url": base_url.rstrip("/"), **(doc.get("variables") or {}), **(variables or {})}
    if "receiver_url" not in variables and any(n == "receiver_url" for _, n in references(doc.get("steps") or [])):
        from ..testing.receiver import WebhookReceiver

        with WebhookReceiver() as receiver:
            return run_scenario(
                doc, base_url, admin=admin, load=load, session=session, admin_token=admin_token,
                timeout=timeout, on_result=on_result, variables={**variables, "receiver_url": receiver.url},
                drift=drift, keep_going=keep_going,
            )
    runner = _Runner(base_url, session or requests.Session(), admin, admin_token, timeout)
    runner.drift = drift
    runner.saved.update(variables)
    results: list[StepResult] = []

    def record(result: StepResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    if admin and load:
        record(runner.load(doc))
    for index, step in enumerate(doc.get("steps") or []):
        kind, title = describe(step)
        if any(r.failed and (r.index < 0 or not keep_going) for r in results):
            record(StepResult(index, kind, title, SKIPPED, "not run: an earlier step failed"))
            continue
        record(runner.step(index, step, kind, title))
    return results


def describe(step: dict) -> tuple[str, str]:
    """The step's kind and a one-line title."""
    for kind in ("request", "advance_clock", "trigger_event", "expect_deliveries", "expect_state"):
        if kind in step:
            break
    else:
        return "unknown", step.get("name", "?")
    if "name" in step:
        return kind, step["name"]
    value = step[kind]
    if kind == "request":
        return kind, f"{value.get('method', 'GET')} {value.get('path', '')}"
    return kind, f"{kind} {json.dumps(value, ensure_ascii=False)}"


class _Runner:
    def __init__(self, base_url, session, admin, admin_token, timeout):
        self.base = base_url.rstrip("/")
        self.session = session
        self.admin = admin
        self.timeout = timeout
        self.admin_client = AdminClient(self.base, admin_token, session=session, timeout=timeout)
        self.saved: dict = {}
        self.drift: list | None = None
        self.index = -1

    # ------------------------------------------------------------ plumbing
    def _admin_call(self, call, *args):
        """An ``AdminClient`` call; its refusal fails the step, with the mock's words."""
        if not self.admin:
            raise _Skip("the target has no /__mock admin API")
        try:
            return call(*args)
        except MockAdminError as exc:
            raise StepFailed(str(exc)) from None

    def load(self, doc: dict) -> StepResult:
        title = f"load scenario {doc.get('name', '')}".rstrip()
        try:
            self._admin_call(self.admin_client.load_scenario, doc)
        except StepFailed as exc:
            return StepResult(-1, "load", title, FAILED, str(exc))
        return StepResult(-1, "load", title, PASSED)

    def step(self, index: int, step: dict, kind: str, title: str) -> StepResult:
        self.index = index
        try:
            action = {k: v for k, v in step.items() if k not in ("save", "name")}
            action = substitute(action, self.saved, f"steps[{index}]")
            getattr(self, "_" + kind)(action, step.get("save") or {})
        except _Skip as why:
            return StepResult(index, kind, title, SKIPPED, str(why))
        except UnknownVariable as exc:
            return StepResult(index, kind, title, FAILED, f"at {exc.path}: ${{{exc.name}}} has not been saved")
        except StepFailed as exc:
            return StepResult(index, kind, title, FAILED, str(exc), exc.diff)
        return StepResult(index, kind, title, PASSED, saved=dict(self.saved))

    # ------------------------------------------------------------ steps
    def _request(self, step: dict, save: dict) -> None:
        request = step["request"]
        path = request["path"]
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            if not self.admin:
                raise _Skip("an admin call, and the target has no /__mock admin API")
        expect = step.get("expect") or {}
        kwargs = {"params": request.get("query"), "headers": dict(request.get("headers") or {})}
        if "json" in request:
            kwargs["json"] = request["json"]
        elif "form" in request:
            kwargs["data"] = request["form"]
        elif "body" in request:
            kwargs["data"] = request["body"].encode("utf-8")
        if "content_type" in request:
            kwargs["headers"]["Content-Type"] = request["content_type"]
        method = request.get("method", "GET")
        try:
            answer = self.session.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.ConnectionError as exc:
            if expect.get("dropped"):
                return
            raise StepFailed(f"the connection failed: {exc}") from None
        except requests.RequestException as exc:
            raise StepFailed(f"the request failed: {exc}") from None
        response = {
            "status": answer.status_code,
            "headers": {k.lower(): v for k, v in answer.headers.items()},
            "json": _json_of(answer),
        }
        if expect.get("dropped"):
            raise StepFailed(f"expected the connection to be dropped, got an answer {answer.status_code}: {_clip(answer.text)}")
        if self.drift is not None:
            self._check_drift(answer)
        self._check_response(expect, response, answer.text)
        for name, where in save.items():
            value = _pick(response, where)
            if value is ABSENT:
                raise StepFailed(f"cannot save {name}: {where} is not in the response", _clip(answer.text))
            self.saved[name] = value

    def _check_drift(self, answer) -> None:
        from ..contract.drift import check_exchange
        from ..contract.exchange import from_response

        findings = check_exchange(from_response(answer, self.base))
        self.drift.extend((self.index, finding) for finding in findings or ())

    def _check_response(self, expect: dict, response: dict, text: str) -> None:
        problems = []
        if "status" in expect:
            wanted = expect["status"] if isinstance(expect["status"], list) else [expect["status"]]
            if response["status"] not in wanted:
                problems.append(f"at status: expected {' or '.join(map(str, wanted))}, got {response['status']}")
        pattern, actual = {}, {}
        if "headers" in expect:
            pattern["headers"] = {k.lower(): v for k, v in expect["headers"].items()}
            actual["headers"] = response["headers"]
        if "json" in expect:
            pattern["json"] = expect["json"]
            actual["json"] = response["json"] if response["json"] is not None else ABSENT
        found = mismatches(pattern, actual)
        if problems or found:
            body = diff(pattern, actual) if found else ""
            if not found:
                body = "the body: " + _clip(text)
            raise StepFailed("; ".join(problems) or "the response does not match", body)

    def _advance_clock(self, step: dict, save: dict) -> None:
        value = step["advance_clock"]
        raw = value.get("seconds", value.get("by")) if isinstance(value, dict) else value
        self._admin_call(self.admin_client.advance_clock, parse_duration(raw))

    def _trigger_event(self, step: dict, save: dict) -> None:
        self._admin_call(self.admin_client.trigger_event, step["trigger_event"])

    def _expect_deliveries(self, step: dict, save: dict) -> None:
        want = step["expect_deliveries"]
        entries = self._admin_call(self.admin_client.deliveries) or []
        chosen = [e for e in entries if _delivery_matches(e, want)]
        if len(chosen) != want["count"]:
            filters = {k: v for k, v in want.items() if k != "count"}
            lines = [f"{len(entries)} in the log:"] + [
                "  " + json.dumps({k: e.get(k) for k in _DELIVERY_SUMMARY}, ensure_ascii=False) for e in entries[-20:]
            ]
            raise StepFailed(
                f"expected {want['count']} deliveries matching {json.dumps(filters) if filters else 'anything'}, "
                f"found {len(chosen)}",
                "\n".join(lines),
            )

    def _expect_state(self, step: dict, save: dict) -> None:
        want = dict(step["expect_state"])
        state = self._admin_call(self.admin_client.state)
        if "match" in want:
            pattern, label = want["match"], "state"
            actual = state
        elif "dellin_subscription" in want:
            sub_id = want.pop("dellin_subscription")
            actual = _find_subscription(state, sub_id)
            label = f"dellin subscription {sub_id}"
            pattern = want
        else:
            user = want.pop("navixy_user")
            actual = next((u for u in (state.get("navixy") or {}).get("users", []) if u.get("hash") == user), None)
            label = f"navixy user {user}"
            pattern = want
        if actual is None:
            raise StepFailed(f"there is no {label} in the state")
        text = diff(pattern, actual)
        if text:
            raise StepFailed(f"{label} does not match", text)


_DELIVERY_FIELDS = {
    "subscription": "subscription_id",
    "url": "url",
    "orderNumber": "order_number",
    "eventType": "event_type",
}
_DELIVERY_SUMMARY = ("subscription_id", "attempt", "time", "outcome", "status", "error", "subscription_state")


def _delivery_matches(entry: dict, want: dict) -> bool:
    for key, field_name in _DELIVERY_FIELDS.items():
        if key in want and str(entry.get(field_name)) != str(want[key]):
            return False
    if "outcome" in want:
        outcome = want["outcome"]
        if isinstance(outcome, int):
            return entry.get("status") == outcome
        return entry.get("outcome") == outcome
    return True


def _find_subscription(state: dict, sub_id):
    dellin = state.get("dellin") or {}
    candidates = list(dellin.get("subscriptions") or [])
    for user in dellin.get("users") or []:
        candidates.extend(user.get("subscriptions") or [])
    return next((s for s in candidates if str(s.get("id")) == str(sub_id)), None)


def _pick(response: dict, where: str):
    """``status``, ``headers.<name>`` or ``json.a.b[0].c`` from a response."""
    if where == "status":
        return response["status"]
    if where.startswith("headers."):
        return response["headers"].get(where[len("headers."):].lower(), ABSENT)
    value = response["json"]
    rest = where[len("json"):]
    for part in _parts(rest):
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and -len(value) <= part < len(value) else ABSENT
        else:
            value = value.get(part, ABSENT) if isinstance(value, dict) else ABSENT
        if value is ABSENT:
            return ABSENT
    return value


def _parts(path: str):
    import re

    for name, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path):
        yield int(index) if index else name


def _json_of(answer):
    try:
        return answer.json()
    except ValueError:
        return None


def _clip(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
