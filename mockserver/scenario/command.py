"""``mockserver run SCENARIO... [--target URL]``: scenarios' steps as contract tests."""
from __future__ import annotations

import sys

import requests
from requests.utils import get_environ_proxies

from .loader import ScenarioError, load
from .runner import has_admin_api, run_scenario


def run_command(sources: list[str], target: str | None = None, admin_token: str | None = None, out=None, *,
                strict_schema: bool = False, variables: dict | None = None, ca_bundle: str | None = None,
                keep_going: bool = False) -> int:
    """Load every scenario first (any bad one fails the run), then run them in
    order; 0 only when no step failed.

    Against a ``target``, every answer is also held against the schemas and
    error tables; the drift found is reported apart from the steps, and
    fails the run only with ``strict_schema``. ``variables`` override the
    scenarios' own; ``ca_bundle`` verifies an https target.
    """
    out = out or sys.stdout
    docs, failed = [], 0
    for source in sources:
        try:
            docs.append(load(source))
        except ScenarioError as exc:
            failed += 1
            print(f"FAIL {exc}", file=out, flush=True)
    if failed:
        return 2  # bad input: nothing is started or sent
    run = _Run(out, failed, variables or {}, strict_schema, keep_going)
    if target:
        session = requests.Session()
        if ca_bundle:
            # requests lets REQUESTS_CA_BUNDLE override a session's own CA; the
            # environment still gives the proxies
            session.trust_env = False
            session.verify = ca_bundle
            session.proxies = get_environ_proxies(target)
        admin = has_admin_api(target, session, admin_token=admin_token)
        note = "" if admin else ": it has no /__mock admin API, so admin-only steps are skipped"
        print(f"target {target}{note}", file=out, flush=True)
        return run.all(docs, target, admin, admin_token, session, check_drift=True)
    from ..app import create_app
    from ..server import ThreadedServer

    # loopback http receivers (${receiver_url}) must be allowed
    with ThreadedServer(create_app(allow_http_webhooks=True)) as server:
        print(f"mock started at {server.url}", file=out, flush=True)
        return run.all(docs, server.url, True, None, None, check_drift=False)


class _Run:
    def __init__(self, out, failed: int, variables: dict, strict_schema: bool, keep_going: bool = False):
        self.out, self.failed, self.variables, self.strict = out, failed, variables, strict_schema
        self.keep_going = keep_going

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def all(self, docs, base_url, admin, admin_token, session, check_drift: bool) -> int:
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        scenarios_failed = 0
        drift_total = 0
        for doc in docs:
            self.say(f"scenario {doc['name']}")
            failed_before = counts["failed"]

            def show(result):
                counts[result.status] += 1
                self.say("  " + result.report().replace("\n", "\n  "))

            drift: list | None = [] if check_drift else None
            run_scenario(doc, base_url, admin=admin, admin_token=admin_token, session=session, on_result=show,
                         variables=self.variables, drift=drift, keep_going=self.keep_going)
            if not doc.get("steps"):
                self.say("  (no steps)")
            if counts["failed"] > failed_before:
                scenarios_failed += 1
            if drift:
                drift_total += len(drift)
                verdict = "failures (--strict-schema)" if self.strict else "not step failures"
                self.say(f"  schema drift: {len(drift)} finding(s), {verdict}")
                for index, finding in drift:
                    self.say(f"    step {index + 1}: {finding.line()}")
        steps = sum(counts.values())
        summary = (
            f"{_count(len(docs), 'scenario')}: {len(docs) - scenarios_failed} passed, {scenarios_failed} failed; "
            f"{_count(steps, 'step')}: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped"
        )
        if check_drift:
            summary += f"; {drift_total} schema drift finding(s)"
        if self.failed:
            summary += f", {self.failed} could not be loaded"
        self.say(summary)
        broken = counts["failed"] + self.failed + (drift_total if self.strict else 0)
        return 1 if broken else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
