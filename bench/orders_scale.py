"""Figure 5: a page of orders and an ``orderNumber`` check, 1,000 against
100,000 orders in one subscription.

Through the Flask test client (the whole endpoint, in process), so the figure
is what a test pays; the last page and the last-added number are the worst
cases for anything that scans. Best of a few rounds per size.
"""
from __future__ import annotations

import time

from .dellin_state import auth, order_numbers, state, subscription
from .result import NotAvailable, figure

SMALL, LARGE = 1_000, 100_000
PER_PAGE = 100
CALLS = 100
ROUNDS = 10
TARGET = 1.5


def _per_call_us(client, path: str, body: dict) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        client.post(path, json=body)
    return (time.perf_counter() - started) / CALLS * 1e6


def _client_with(count: int):
    from mockserver import create_app
    from mockserver.app import runtime_of

    app = create_app()
    numbers = order_numbers(count)
    runtime_of(app).replace_state(state([subscription(1, numbers)]))
    return app.test_client(), numbers


def _cases(count: int) -> dict:
    """The two calls at this size, each checked once: (client, path, body)."""
    client, numbers = _client_with(count)
    path = "/v1/webhooks/1/orders"
    last_page = -(-count // PER_PAGE)
    cases = {
        "page": ({**auth(), "page": last_page, "perPage": PER_PAGE}, numbers[-PER_PAGE:]),
        "check": ({**auth(), "orderNumber": numbers[-1]}, [numbers[-1]]),
    }
    for body, expected in cases.values():
        answer = client.post(path, json=body)
        if answer.status_code != 200:
            raise NotAvailable(f"POST {path} answers {answer.status_code}: {answer.get_data(as_text=True)[:200]}")
        if answer.get_json()["orders"] != expected:
            raise RuntimeError(f"POST {path} {body}: wrong orders")
    return {key: (client, path, body) for key, (body, _) in cases.items()}


def run() -> list[dict]:
    sizes = {SMALL: _cases(SMALL), LARGE: _cases(LARGE)}
    best = {(size, key): float("inf") for size in sizes for key in ("page", "check")}
    for _ in range(ROUNDS):  # alternate sizes round by round, so machine noise hits both alike
        for size, cases in sizes.items():
            for key, (client, path, body) in cases.items():
                best[size, key] = min(best[size, key], _per_call_us(client, path, body))
    rows = []
    for key, title in (("page", "orders: last page of 100"), ("check", "orders: orderNumber check")):
        small, large = best[SMALL, key], best[LARGE, key]
        ratio = large / small
        rows.append(figure(
            f"{title} at {LARGE:,}", round(large, 1), "us/call",
            baseline=f"at {SMALL:,}", baseline_value=round(small, 1), ratio=round(ratio, 2),
            target=f"<= {TARGET}x", met=ratio <= TARGET, calls=CALLS, rounds=ROUNDS,
        ))
    return rows
