"""Figure 4: the per-test reset cost, in process.

``runtime.reset()`` is what the ``mock`` fixture does before each test;
``POST /__mock/reset`` is the same through the admin API (Flask test client,
so no socket time is counted). The default scenario, after a few calls have
filled the journal and changed the state.
"""
from __future__ import annotations

import time

from .result import best_of, figure

CALLS = 300
ROUNDS = 3
TARGET_MS = 1.0


def _dirty(client) -> None:
    client.post("/v2/user/session/delivery/create", json={"hash": "22eac1c27af4be7b9d04da2ce1af111b"})
    client.post("/v2/user/session/delivery/read", json={"hash": "22eac1c27af4be7b9d04da2ce1af111b"})


def _per_call_ms(function) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        function()
    return (time.perf_counter() - started) / CALLS * 1000


def run() -> list[dict]:
    from mockserver import create_app
    from mockserver.app import runtime_of

    app = create_app()
    mock = runtime_of(app)
    client = app.test_client()
    _dirty(client)
    assert client.post("/__mock/reset").status_code == 200

    def via_runtime():
        return _per_call_ms(mock.reset)

    def via_admin():
        return _per_call_ms(lambda: client.post("/__mock/reset"))

    runtime_ms = best_of(via_runtime, ROUNDS)
    admin_ms = best_of(via_admin, ROUNDS)
    return [
        figure("reset: runtime.reset()", round(runtime_ms, 3), "ms", target=f"<= {TARGET_MS:g} ms",
               met=runtime_ms <= TARGET_MS, calls=CALLS, rounds=ROUNDS),
        figure("reset: POST /__mock/reset (in process)", round(admin_ms, 3), "ms", target=f"<= {TARGET_MS:g} ms",
               met=admin_ms <= TARGET_MS, calls=CALLS, rounds=ROUNDS),
    ]
