"""The mock's app (access log off) on cheroot, for the server comparison.

    python -m bench.cheroot_app --port 0 [--scenario NAME|PATH]
"""
from __future__ import annotations

import argparse
import sys
import threading

from cheroot import wsgi

from mockserver import create_app

from .serving import serve_until_signalled

THREADS = 8  # as `mockserver serve --threads`


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench.cheroot_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args(argv)
    server = wsgi.Server((args.host, args.port), create_app(scenario=args.scenario), numthreads=THREADS)
    serving = threading.Thread(target=server.serve, daemon=True)
    return serve_until_signalled(lambda: (server.prepare(), serving.start()), server.stop,
                                 lambda: f"cheroot listening on http://{args.host}:{server.bind_addr[1]}")


if __name__ == "__main__":
    sys.exit(main())
