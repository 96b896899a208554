"""The baseline: a bare Flask app on the same WSGI server and thread count.

Each route parses the JSON request body, as the mock does, and answers with a
fixed JSON body given on the command line (a file mapping path -> body), so
the baseline sends the very bytes the mock sends. No hooks, no journal, no
validation: the floor that the mock's own work is measured against.

    python -m bench.bare_app --port 0 --bodies bodies.json [--server waitress|granian]

On granian it runs through the mock's own adapter (``mockserver.server_granian``),
which imports nothing of the mock's app: the same server, set up the same way.
"""
from __future__ import annotations

import argparse
import json
import sys

from flask import Flask, request

# the same default as `mockserver serve --threads`; not imported, so that the
# baseline does not pay for importing the mock when its start-up is timed
DEFAULT_THREADS = 8

DEFAULT_BODY = {"success": True, "value": "0123456789abcdef0123456789abcdef"}


def create_bare_app(bodies: dict[str, object]) -> Flask:
    app = Flask("bare")
    app.json.sort_keys = False

    def answer(path: str = ""):
        request.get_json(silent=True)
        body = bodies.get("/" + path, DEFAULT_BODY)
        return app.json.response(body)

    app.add_url_rule("/", view_func=answer, methods=["GET", "POST"])
    app.add_url_rule("/<path:path>", view_func=answer, methods=["GET", "POST"])
    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench.bare_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--bodies", help="a JSON file: {path: response body}")
    parser.add_argument("--server", choices=["waitress", "granian"], default="waitress")
    args = parser.parse_args(argv)
    bodies = {}
    if args.bodies:
        with open(args.bodies, encoding="utf-8") as handle:
            bodies = json.load(handle)
    if args.server == "granian":
        return _serve_on_granian(create_bare_app(bodies), args)
    import waitress

    server = waitress.create_server(create_bare_app(bodies), host=args.host, port=args.port, threads=args.threads)
    print(f"bare flask listening on http://{server.effective_host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _serve_on_granian(app, args) -> int:
    from mockserver.server_granian import GranianServer

    from .serving import serve_until_signalled

    server = GranianServer(app, args.host, args.port, threads=args.threads, idle_timeout=30.0)
    return serve_until_signalled(server.start, server.stop,
                                 lambda: f"bare flask listening on http://{args.host}:{server.port}")

if __name__ == "__main__":
    sys.exit(main())
