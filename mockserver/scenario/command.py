"""``mockserver run SCENARIO... [--target URL]``: scenarios' steps as contract tests."""
from __future__ import annotations

import sys

from .loader import ScenarioError, load
from .runner import has_admin_api, run_scenario


def run_command(sources: list[str], target: str | None = None, admin_token: str | None = None, out=None) -> int:
    """Load every scenario first (any bad one fails the run), then run them in
    order; 0 only when no step failed."""
    out = out or sys.stdout
    docs, failed = [], 0
    for source in sources:
        try:
            docs.append(load(source))
        except ScenarioError as exc:
            failed += 1
            print(f"FAIL {exc}", file=out, flush=True)
    if target:
        admin = has_admin_api(target, admin_token=admin_token)
        note = "" if admin else ": it has no /__mock admin API, so admin-only steps are skipped"
        print(f"target {target}{note}", file=out, flush=True)
        return _run_all(docs, target, admin, admin_token, out, failed)
    from ..app import create_app
    from ..server import ThreadedServer

    # loopback http receivers (${receiver_url}) must be allowed
    with ThreadedServer(create_app(allow_http_webhooks=True)) as server:
        print(f"mock started at {server.url}", file=out, flush=True)
        return _run_all(docs, server.url, True, None, out, failed)


def _run_all(docs, base_url, admin, admin_token, out, failed) -> int:
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for doc in docs:
        print(f"scenario {doc['name']}", file=out, flush=True)

        def show(result):
            counts[result.status] += 1
            print("  " + result.report().replace("\n", "\n  "), file=out, flush=True)

        run_scenario(doc, base_url, admin=admin, admin_token=admin_token, on_result=show)
        if not doc.get("steps"):
            print("  (no steps)", file=out, flush=True)
    total_failed = counts["failed"] + failed
    print(
        f"{len(docs)} scenario(s): {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"
        + (f", {failed} could not be loaded" if failed else ""),
        file=out, flush=True,
    )
    return 1 if total_failed else 0
