"""The ``mockserver`` command."""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys

from .apis import ADMIN_TOKEN_HEADER
from .config import MockConfig
from .server import DEFAULT_IDLE_TIMEOUT, DEFAULT_SERVER, SERVER_NAMES


def _serve(args) -> int:
    # Importing and building the app makes objects that live as long as the
    # process: a full collection among them during start-up (10-25 ms) would
    # find nothing to free. Collection resumes once the server is ready, or
    # as soon as it fails to start.
    gc.disable()
    try:
        return _start_and_serve(args)
    finally:
        gc.enable()


def _start_and_serve(args) -> int:
    from .app import ACCESS_LOG, configure_logging, create_app, runtime_of
    from .persistence import StateFileError
    from .scenario.loader import ScenarioError
    from .server import is_loopback, serve, url_host

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
        seed=args.seed,
    )
    try:
        app = create_app(config)
    except (ScenarioError, StateFileError) as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    try:
        tls = _tls_files(args)
    except ValueError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    configure_logging()
    mock = runtime_of(app)
    access = app.extensions.get(ACCESS_LOG)
    from .admin.tls_routes import publish_ca

    publish_ca(app, tls)

    def stopped():
        mock.close()
        if access is not None:
            access.close()
        if tls is not None:
            tls.discard()

    def ready(host, port):
        mock.listening_on(host, port)
        # what start-up built stays out of every later collection, which then
        # looks at the objects of calls alone
        gc.freeze()
        gc.enable()
        scheme = "https" if tls else "http"
        ca = f"; CA: {tls.ca_file}" if tls and tls.ca_file else ""
        print(
            f"mockserver listening on {scheme}://{url_host(host)}:{port} "
            f"(scenario: {mock.scenario.get('name')}, clock: {mock.clock.mode}; "
            f"Navixy at /v2, Dellin at /, admin at /__mock{ca})",
            flush=True,
        )

    try:
        serve(app, args.host, args.port, threads=args.threads, server=args.server,
              idle_timeout=args.idle_timeout, tls=tls, on_ready=ready, on_stop=stopped)
    except OSError as exc:
        print(f"mockserver: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _tls_files(args):
    """The certificate to serve HTTPS with, or None; ValueError (one line) when it cannot be."""
    own = args.tls_cert or args.tls_key
    if not (args.tls or args.tls_name or own):
        return None
    from . import tls

    if args.server != "granian":
        raise ValueError(f"HTTPS is served by granian only: drop --server {args.server}")
    if own:
        if not (args.tls_cert and args.tls_key):
            raise ValueError("--tls-cert and --tls-key go together")
        if args.tls_name:
            raise ValueError("--tls-name names a certificate the mock makes; with --tls-cert it is yours")
        return tls.user_certificate(args.tls_cert, args.tls_key)
    return tls.make_certificate(tls.names_for(args.tls_name, host=args.host))


def _proxy(args) -> int:
    from .contract.command import proxy_command

    return proxy_command(args)


def _verify(args) -> int:
    from .contract.command import verify_command

    return verify_command(args)


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
                       strict_schema=args.strict_schema, variables=variables, ca_bundle=args.target_ca,
                       keep_going=args.keep_going)


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


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad flag said in one line (no usage block) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _whole_number(text: str, low: int, high: int | None, out_of_range: str, noun: str = "a whole number") -> int:
    """An argparse type: ``text`` as an integer from ``low`` to ``high``, else one clear line."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
    if number < low or (high is not None and number > high):
        raise argparse.ArgumentTypeError(out_of_range.format(number))
    return number


def port_number(text: str) -> int:
    return _whole_number(text, 0, 65535, "{} is not a port number: use 0 to 65535 (0 picks a free one)",
                         noun="a port number")


def positive_count(text: str) -> int:
    return _whole_number(text, 1, None, "{} is too few: at least 1")


def seed_number(text: str) -> int:
    return _whole_number(text, 0, 2**64 - 1, "{} is out of range: use 0 to 2**64 - 1")


def _seconds(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or value > 86400:
        raise argparse.ArgumentTypeError(f"expected seconds above 0 and at most 86400, got {text!r}")
    return value


def _add_serve(sub) -> None:
    serve = sub.add_parser("serve", help="serve the mock on a production HTTP server (granian, or waitress)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1; any other needs --admin-token)")
    serve.add_argument("--port", type=port_number, default=8080,
                       help="the port to listen on, 0 to 65535 (default 8080; 0 picks a free one, printed on start)")
    serve.add_argument("--scenario", default="default",
                       help="a bundled scenario name, a name in a --scenario-dir folder, or a scenario file")
    serve.add_argument("--clock", choices=["virtual", "real"], default=None,
                       help="the clock's mode (default: the scenario's, else virtual)")
    serve.add_argument("--admin-token", default=None, metavar="TOKEN",
                       help="require this token in X-Mock-Admin-Token on every admin call")
    serve.add_argument("--allow-http-webhooks", action="store_true",
                       help="accept http (not only https) webhook URLs")
    serve.add_argument("--state-file", default=None, metavar="PATH",
                       help="keep the state in this file: written after every change, restored on start")
    serve.add_argument(
        "--scenario-dir", action="append", default=[], metavar="DIR",
        help="a folder whose scenario files may be loaded by name, over the admin API too (repeatable)",
    )
    serve.add_argument(
        "--allow-host", action="append", default=[], metavar="NAME",
        help="a Host name the admin API answers besides loopback names and the listening address (repeatable)",
    )
    serve.add_argument("--threads", type=positive_count, default=8,
                       help="worker threads serving requests (at least 1; default 8)")
    serve.add_argument("--server", choices=SERVER_NAMES, default=DEFAULT_SERVER,
                       help="the HTTP server: granian (default, the fastest) or waitress (pure Python)")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a certificate from a new local CA (trustme) for localhost, "
                            "127.0.0.1, ::1 and every --tls-name; the CA's file is printed on start and "
                            "served at /__mock/tls/ca.pem")
    serve.add_argument("--tls-name", action="append", default=[], metavar="NAME",
                       help="another name for the made certificate, e.g. api.dellin.ru (repeatable; implies --tls)")
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with your own certificate chain (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", help="the private key (PEM) of --tls-cert")
    serve.add_argument("--idle-timeout", type=_seconds, default=DEFAULT_IDLE_TIMEOUT, metavar="SECONDS",
                       help="close a connection idle, or still sending its request's headers, after this long "
                            f"(default {DEFAULT_IDLE_TIMEOUT:g})")
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.add_argument("--seed", type=seed_number, default=None, metavar="N",
                       help="seed the fault rules' random choices (probability, drawn delays), over the scenario's "
                            "seed: the same seed and calls give the same faults")
    serve.set_defaults(func=_serve)


def _add_proxy(sub) -> None:
    proxy = sub.add_parser("proxy", help="a validating, recording reverse proxy in front of a provider (or the mock)")
    proxy.add_argument("--target", required=True, help="the provider's base URL, e.g. https://api.dellin.ru")
    proxy.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    proxy.add_argument("--port", type=port_number, default=8081,
                       help="the port to listen on, 0 to 65535 (default 8081; 0 picks a free one, printed on start)")
    proxy.add_argument("--record", default=None, metavar="FILE", help="write the exchanges as a scenario on exit")
    proxy.add_argument("--target-ca", default=None, metavar="FILE", help="a CA bundle to verify the target's TLS with")
    proxy.add_argument("--admin-token", default=None, metavar="TOKEN",
                       help="require this token in X-Mock-Admin-Token on every admin call")
    proxy.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="a further Host name the admin API answers to")
    proxy.add_argument("--threads", type=positive_count, default=8,
                       help="worker threads serving requests (at least 1; default 8)")
    proxy.add_argument("--quiet", action="store_true", help="no line per exchange (findings are still logged)")
    proxy.set_defaults(func=_proxy)


def _add_verify(sub) -> None:
    verify = sub.add_parser(
        "verify", help="a bundled, self-cleaning check of a provider (credentials from the environment)",
        description="Credentials: NAVIXY_HASH for Navixy; DELLIN_APPKEY, DELLIN_LOGIN and DELLIN_PASSWORD for "
                    "Dellin (optional: DELLIN_WEBHOOK_URL, DELLIN_ORDER_NUMBER for --allow-writes).",
    )
    verify.add_argument("--target", required=True, help="the provider's base URL, e.g. https://api.dellin.ru")
    verify.add_argument("--api", action="append", choices=["navixy", "dellin"], default=[],
                        help="check this API (repeatable); default: every API whose credentials are set")
    verify.add_argument("--allow-writes", action="store_true",
                        help="also run calls that change the provider's state, and undo them")
    verify.add_argument("--junit", default=None, metavar="FILE", help="write the results as JUnit XML")
    verify.add_argument("--target-ca", default=None, metavar="FILE", help="a CA bundle to verify the target's TLS with")
    verify.add_argument("--timeout", type=float, default=30.0, help="seconds per call")
    verify.set_defaults(func=_verify)


def _add_scenarios(sub) -> None:
    scenarios = sub.add_parser("scenarios", help="list the bundled scenarios")
    scenarios.set_defaults(func=_scenarios)


def _add_run(sub) -> None:
    run = sub.add_parser("run", help="run scenarios' steps against a mock it starts, or against --target")
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                     help="a bundled scenario name, or a scenario file (anything with a folder or a "
                          ".yaml/.yml/.json suffix is read as a file)")
    run.add_argument("--target", default=None, help="a base URL to test instead of starting a mock")
    run.add_argument("--admin-token", default=None, help=f"sent as {ADMIN_TOKEN_HEADER} to the target's admin API")
    run.add_argument("--strict-schema", action="store_true",
                     help="with --target: schema drift in the answers fails the run")
    run.add_argument("--var", action="append", default=[], metavar="NAME[=VALUE]",
                     help="set ${NAME} (NAME alone: from the environment); overrides the scenario's variables")
    run.add_argument("--target-ca", default=None, metavar="FILE", help="a CA bundle to verify an https target with")
    run.add_argument("--keep-going", action="store_true",
                     help="run every step even after one fails (a recording then shows every difference)")
    run.set_defaults(func=_run)


def _add_validate(sub) -> None:
    validate = sub.add_parser("validate", help="validate scenario files")
    validate.add_argument("files", nargs="+", metavar="FILE", help="a scenario file (YAML or JSON)")
    validate.set_defaults(func=_validate)


def _add_openapi(sub) -> None:
    openapi = sub.add_parser("openapi", help="print the OpenAPI 3.1 document of the mocked APIs")
    openapi.set_defaults(func=_openapi)


# each command's arguments, in the order ``--help`` lists them
COMMANDS = {
    "serve": _add_serve, "proxy": _add_proxy, "verify": _add_verify, "scenarios": _add_scenarios,
    "run": _add_run, "validate": _add_validate, "openapi": _add_openapi,
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given a command's name, the parser with that command
    alone, which parses its arguments alike (``serve`` starts sooner for not
    building the others' arguments)."""
    parser = _Parser(prog="mockserver", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    for name, add in COMMANDS.items():
        if command is None or command == name:
            add(sub)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(command).parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at the interpreter's exit
        return status
    except BrokenPipeError:
        # the reader went away (``mockserver openapi | head -1``): stop quietly; stdout
        # goes to devnull so that the interpreter's final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
