"""The mock's app (access log off) on cheroot, for the server comparison.

    python -m bench.cheroot_app --port 0 [--scenario NAME|PATH]
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from cheroot import wsgi

from mockserver import create_app

THREADS = 8  # as `mockserver serve --threads`


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench.cheroot_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args(argv)
    server = wsgi.Server((args.host, args.port), create_app(scenario=args.scenario), numthreads=THREADS)
    server.prepare()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve, daemon=True)
    serving.start()
    print(f"cheroot listening on http://{args.host}:{server.bind_addr[1]}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
