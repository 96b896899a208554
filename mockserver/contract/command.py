"""The ``proxy`` and ``verify`` commands."""
from __future__ import annotations

import logging
import sys
from pathlib import Path


def _fail(message: str) -> int:
    print(f"mockserver: {message}", file=sys.stderr)
    return 2


def proxy_command(args) -> int:
    from ..app import configure_logging
    from ..server import is_loopback, serve
    from .proxy import ContractProxy

    if not is_loopback(args.host) and not args.admin_token:
        return _fail(f"refusing to bind {args.host}, a non-loopback address, without --admin-token")
    if args.target_ca and not Path(args.target_ca).is_file():
        return _fail(f"--target-ca {args.target_ca}: no such file")
    record = Path(args.record) if args.record else None
    if record is not None and not record.parent.is_dir():
        return _fail(f"--record {args.record}: the folder {record.parent} does not exist")
    recorder = None
    if record is not None:
        from .record import Recorder

        recorder = Recorder(args.target)
    try:
        proxy = ContractProxy(
            args.target, ca_bundle=args.target_ca, admin_token=args.admin_token, allowed_hosts=args.allow_host,
            on_exchange=recorder.add if recorder else None,
        )
    except ValueError as exc:
        return _fail(str(exc))
    proxy.listening_on(args.host)
    configure_logging()
    if args.quiet:
        logging.getLogger("mockserver.proxy").setLevel(logging.WARNING)

    def ready(host, port):
        print(f"mockserver proxy listening on http://{host}:{port}, forwarding to {proxy.target} "
              f"(drift at /__mock/drift)", flush=True)

    def stop():
        print("mockserver proxy: " + proxy.drift.summary(), file=sys.stderr, flush=True)
        if recorder is not None:
            recorder.write(record)
            print(f"mockserver proxy: recorded {recorder.count} exchange(s) to {record}", file=sys.stderr, flush=True)

    try:
        serve(proxy, args.host, args.port, threads=args.threads, on_ready=ready, on_stop=stop)
    except OSError as exc:
        return _fail(exc.strerror or str(exc))
    return 0


def verify_command(args) -> int:
    import os

    from .junit import write_junit
    from .verify import API_ENV, FAILED, PASSED, SKIPPED, missing_credentials, verify

    env = dict(os.environ)
    if args.target_ca and not Path(args.target_ca).is_file():
        return _fail(f"--target-ca {args.target_ca}: no such file")
    junit = Path(args.junit) if args.junit else None
    if junit is not None and not junit.parent.is_dir():
        return _fail(f"--junit {args.junit}: the folder {junit.parent} does not exist")
    apis = list(dict.fromkeys(args.api)) or [api for api in API_ENV if not missing_credentials(api, env)]
    if not apis:
        return _fail("no credentials: set NAVIXY_HASH, or DELLIN_APPKEY, DELLIN_LOGIN and DELLIN_PASSWORD")
    for api in apis:
        missing = missing_credentials(api, env)
        if missing:
            return _fail(f"--api {api} needs {', '.join(missing)} in the environment")
    from urllib.parse import urlsplit

    if urlsplit(args.target).scheme not in ("http", "https") or not urlsplit(args.target).hostname:
        return _fail(f"the target must be an http or https URL, not {args.target!r}")
    mode = "read-only and writes" if args.allow_writes else "read-only"
    print(f"verify {', '.join(apis)} at {args.target} ({mode})", flush=True)
    results = verify(args.target, apis, env, allow_writes=args.allow_writes, ca_bundle=args.target_ca,
                     timeout=args.timeout)
    labels = {PASSED: "ok  ", FAILED: "FAIL", SKIPPED: "skip"}
    for result in results:
        print(f"{labels[result.status]} {result.api}: {result.name}", flush=True)
        if result.message:
            print(f"       {result.message}")
        for finding in result.findings:
            print(f"       {finding.line()}")
    counts = {status: sum(r.status == status for r in results) for status in (PASSED, FAILED, SKIPPED)}
    drift = sum(len(r.findings) for r in results)
    print(f"{len(results)} check(s): {counts[PASSED]} passed, {counts[FAILED]} failed, {counts[SKIPPED]} skipped; "
          f"{drift} drift finding(s)", flush=True)
    if junit is not None:
        write_junit(junit, results, args.target)
        print(f"JUnit XML written to {junit}")
    return 1 if counts[FAILED] else 0
