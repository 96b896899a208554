"""The ``mockserver`` command."""
from __future__ import annotations

import argparse
import json
import sys

from .config import MockConfig


def _serve(args) -> int:
    from .app import configure_logging, create_app, runtime_of
    from .persistence import StateFileError
    from .scenario.loader import ScenarioError
    from .server import is_loopback, serve

    if not is_loopback(args.host) and not args.admin_token:
        print(
            f"mockserver: refusing to bind {args.host}, a non-loopback address, without --admin-token",
            file=sys.stderr,
        )
        return 2
    config = MockConfig(
        scenario=args.scenario,
        clock_mode=args.clock,
        allow_http_webhooks=args.allow_http_webhooks,
        admin_token=args.admin_token,
        access_log=not args.quiet,
        state_file=args.state_file,
        scenario_dirs=tuple(args.scenario_dir),
        allowed_hosts=tuple(args.allow_host),
    )
    try:
        app = create_app(config)
    except (ScenarioError, StateFileError) as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    configure_logging()
    mock = runtime_of(app)

    def ready(host, port):
        mock.listening_on(host, port)
        print(
            f"mockserver listening on http://{host}:{port} "
            f"(scenario: {mock.scenario.get('name')}, clock: {mock.clock.mode}; "
            f"Navixy at /v2, Dellin at /, admin at /__mock)",
            flush=True,
        )

    try:
        serve(app, args.host, args.port, threads=args.threads, on_ready=ready, on_stop=mock.close)
    except OSError as exc:
        print(f"mockserver: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _proxy(args) -> int:
    from .contract.command import proxy_command

    return proxy_command(args)


def _scenarios(args) -> int:
    from .scenario.loader import bundled

    for row in bundled():
        print(f"{row['name']:<28} {row['description'].strip()}")
    return 0


def _run(args) -> int:
    from .scenario.command import run_command

    import os

    variables = {}
    for item in args.var:
        name, sep, value = item.partition("=")
        if not name.isidentifier():
            print(f"mockserver: --var {item}: expected NAME=VALUE or NAME", file=sys.stderr)
            return 2
        if not sep:
            if name not in os.environ:
                print(f"mockserver: --var {name}: the environment has no {name}", file=sys.stderr)
                return 2
            value = os.environ[name]
        variables[name] = value
    if args.strict_schema and not args.target:
        print("mockserver: --strict-schema needs --target (drift is checked against a target)", file=sys.stderr)
        return 2
    return run_command(args.scenarios, target=args.target, admin_token=args.admin_token,
                       strict_schema=args.strict_schema, variables=variables, ca_bundle=args.target_ca)


def _validate(args) -> int:
    from pathlib import Path

    from .scenario.loader import ScenarioError, read_file

    failed = 0
    for name in args.files:
        try:
            read_file(Path(name))
        except ScenarioError as exc:
            failed += 1
            print(f"FAIL {exc}")
        else:
            print(f"ok   {name}")
    return 1 if failed else 0


def _openapi(args) -> int:
    from .openapi import document

    print(json.dumps(document(), indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the mock on a production WSGI server (waitress)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port (printed on start)")
    serve.add_argument("--scenario", default="default", help="a bundled scenario name or a YAML file")
    serve.add_argument("--clock", choices=["virtual", "real"], default=None)
    serve.add_argument("--admin-token", default=None)
    serve.add_argument("--allow-http-webhooks", action="store_true")
    serve.add_argument("--state-file", default=None)
    serve.add_argument(
        "--scenario-dir", action="append", default=[], metavar="DIR",
        help="a folder whose scenario files may be loaded by name, over the admin API too (repeatable)",
    )
    serve.add_argument(
        "--allow-host", action="append", default=[], metavar="NAME",
        help="a Host name the admin API answers besides loopback names and the listening address (repeatable)",
    )
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.set_defaults(func=_serve)

    proxy = sub.add_parser("proxy", help="a validating, recording reverse proxy in front of a provider (or the mock)")
    proxy.add_argument("--target", required=True, help="the provider's base URL, e.g. https://api.dellin.ru")
    proxy.add_argument("--host", default="127.0.0.1")
    proxy.add_argument("--port", type=int, default=8081, help="0 picks a free port (printed on start)")
    proxy.add_argument("--record", default=None, metavar="FILE", help="write the exchanges as a scenario on exit")
    proxy.add_argument("--target-ca", default=None, metavar="FILE", help="a CA bundle to verify the target's TLS with")
    proxy.add_argument("--admin-token", default=None)
    proxy.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="a further Host name the admin API answers to")
    proxy.add_argument("--threads", type=int, default=8)
    proxy.add_argument("--quiet", action="store_true", help="no line per exchange (findings are still logged)")
    proxy.set_defaults(func=_proxy)

    scenarios = sub.add_parser("scenarios", help="list the bundled scenarios")
    scenarios.set_defaults(func=_scenarios)

    run = sub.add_parser("run", help="run scenarios' steps against a mock it starts, or against --target")
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="a bundled scenario name or a YAML file")
    run.add_argument("--target", default=None, help="a base URL to test instead of starting a mock")
    run.add_argument("--admin-token", default=None, help="sent as X-Mock-Admin-Token to the target's admin API")
    run.add_argument("--strict-schema", action="store_true",
                     help="with --target: schema drift in the answers fails the run")
    run.add_argument("--var", action="append", default=[], metavar="NAME[=VALUE]",
                     help="set ${NAME} (NAME alone: from the environment); overrides the scenario's variables")
    run.add_argument("--target-ca", default=None, metavar="FILE", help="a CA bundle to verify an https target with")
    run.set_defaults(func=_run)

    validate = sub.add_parser("validate", help="validate scenario files")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(func=_validate)

    openapi = sub.add_parser("openapi", help="print the OpenAPI 3.1 document of the mocked APIs")
    openapi.set_defaults(func=_openapi)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
