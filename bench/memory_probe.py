"""Run in its own process by ``bench.memory``: resident memory of a mock
before and after it stores ``--orders`` order numbers. Prints JSON."""
from __future__ import annotations

import argparse
import gc
import json
import sys


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv=None) -> int:
    from mockserver import create_app
    from mockserver.app import runtime_of

    from .dellin_state import order_numbers, state, subscription

    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--subscriptions", type=int, default=10)
    args = parser.parse_args(argv)

    app = create_app()
    mock = runtime_of(app)
    client = app.test_client()
    client.post("/v2/user/session/delivery/read", json={"hash": "66666666666666666666666666666666"})
    gc.collect()
    before = rss_mb()

    per_sub = args.orders // args.subscriptions
    subs = [subscription(i + 1, order_numbers(per_sub, start=i * per_sub)) for i in range(args.subscriptions)]
    mock.replace_state(state(subs))
    del subs  # the seed is the caller's; only what the mock keeps counts
    gc.collect()
    stored = sum(len(s.orders) for s in mock.store.dellin.subscriptions.values())
    after = rss_mb()
    print(json.dumps({"before_mb": before, "after_mb": after, "stored": stored}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
