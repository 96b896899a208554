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
