"""Soak: 16 threads of mixed Navixy, Dellin and admin traffic against a live
server while webhook receivers hang, refuse and fail.

It must end with no 5xx, no stuck thread, a state equal to a serial replay of
the request journal, and an API p99 far below the receivers' hang time: a slow
receiver may hold up the admin call that delivers to it, never the APIs.

Short profile in the normal suite; a longer run:

    MOCK_SOAK_OPS=2000 python -m pytest tests/hardening/test_soak.py -s
"""
from __future__ import annotations

import os
import random
import socket
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.server import ThreadedServer

pytestmark = [pytest.mark.soak, pytest.mark.live]

OPS_PER_API_THREAD = int(os.environ.get("MOCK_SOAK_OPS", "30"))  # at least; more while deliveries run
API_THREADS = 12
EVENT_THREADS = 3
CLOCK_THREADS = 1
EVENTS_PER_THREAD = 1
CLOCK_ADVANCES = 2
WEBHOOK_TIMEOUT = 3.0  # the mock gives up on a receiver after this
HANG_SECONDS = 10.0  # a hanging receiver holds every request this long
PAUSE = 0.02  # between one API thread's calls, so 2 cores are loaded but not swamped
APPKEY = "00000000-0000-0000-0000-000000000000"
EVENT_ORDER = "7000000000001"
SUBS_PER_USER = 6


# ------------------------------------------------------------------ receivers
class _Receivers:
    """One server that hangs and one that fails; a refused port has no server."""

    def __init__(self):
        self.release = threading.Event()
        release = self.release

        class Hang(BaseHTTPRequestHandler):
            def do_POST(self):
                release.wait(HANG_SECONDS)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        class Fail(Hang):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(500)
                self.end_headers()

        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler) for handler in (Hang, Fail)]
        for server in self.servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.hang_url = f"http://127.0.0.1:{self.servers[0].server_address[1]}/hook"
        self.fail_url = f"http://127.0.0.1:{self.servers[1].server_address[1]}/hook"
        with socket.socket() as probe:  # bound then closed: nothing listens there
            probe.bind(("127.0.0.1", 0))
            self.refuse_url = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"

    def close(self):
        self.release.set()
        for server in self.servers:
            server.shutdown()
            server.server_close()


# ------------------------------------------------------------------ the world
def _session(index: int) -> str:
    return f"{index:08d}-0000-4000-8000-000000000000"


def _api_user(index: int) -> dict:
    """A Dellin user whose subscriptions only API threads touch: no events
    are ever triggered for its orders, so only requests change it."""
    first = index * SUBS_PER_USER + 10
    return {
        "login": f"api{index}@example.test",
        "password": "Password1",
        "sessions": [_session(index + 1)],
        "orders": [{"number": f"80000000{index}{n:04d}"} for n in range(20)],
        "subscriptions": [
            {"id": first + n, "url": f"https://hooks.example/api{index}/{n}", "orderRoles": ["sender"]}
            for n in range(SUBS_PER_USER)
        ],
    }


def _scenario(receivers: _Receivers) -> dict:
    navixy_users = [{"hash": f"{i + 1:032x}"} for i in range(API_THREADS)]
    hooked = {
        "login": "events@example.test",
        "password": "Password1",
        "sessions": [_session(100)],
        "orders": [{"number": EVENT_ORDER}],
        "subscriptions": [
            {"id": 1, "url": receivers.hang_url, "orderRoles": ["sender"], "orders": [EVENT_ORDER]},
            {"id": 2, "url": receivers.refuse_url, "orderRoles": ["sender"], "orders": [EVENT_ORDER]},
            {"id": 3, "url": receivers.fail_url, "orderRoles": ["sender"], "orders": [EVENT_ORDER]},
        ],
    }
    return {
        "name": "soak",
        "clock": {"start": "2024-06-01T09:00:00Z", "mode": "virtual"},
        "state": {
            "navixy": {"users": navixy_users},
            "dellin": {"appkeys": [APPKEY], "users": [hooked, _api_user(0), _api_user(1)]},
        },
    }


def _config():
    return {"allow_http_webhooks": True, "webhook_timeout_seconds": WEBHOOK_TIMEOUT, "journal_size": 1_000_000}


# ------------------------------------------------------------------ traffic
class Traffic:
    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()
        self.api_latencies: list[float] = []
        self.statuses: list[tuple[str, int]] = []
        self.errors: list[str] = []

    def send(self, session, method, path, *, api: bool, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(method, self.url + path, timeout=60, **kwargs)
        except requests.RequestException as exc:
            with self.lock:
                self.errors.append(f"{method} {path}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.statuses.append((f"{method} {path}", response.status_code))
            if api:
                self.api_latencies.append(elapsed)
        return response


def api_worker(traffic: Traffic, index: int, seed: int, deliveries_running: threading.Event):
    """Each thread owns one Navixy user and one Dellin subscription, so the
    order of its own requests is the order they changed the state in. It
    keeps going while deliveries to the hanging receiver are in flight."""
    rng = random.Random(seed)
    session = requests.Session()
    navixy_hash = f"{index + 1:032x}"
    dellin_user = index % 2
    sub_id = dellin_user * SUBS_PER_USER + 10 + index // 2
    creds = {"appkey": APPKEY, "sessionID": _session(dellin_user + 1)}
    orders = [f"80000000{dellin_user}{n:04d}" for n in range(20)]
    sent = 0
    while sent < OPS_PER_API_THREAD or deliveries_running.is_set():
        sent += 1
        time.sleep(PAUSE)
        action = rng.randrange(8)
        if action == 0:
            traffic.send(session, "POST", "/v2/user/session/delivery/create", api=True, json={"hash": navixy_hash})
        elif action == 1:
            traffic.send(session, "GET", f"/v2/user/session/delivery/read?hash={navixy_hash}", api=True)
        elif action == 2:
            body = {**creds, "id": sub_id, "url": f"https://hooks.example/t{index}/{rng.randrange(100)}",
                    "orderRoles": rng.sample(["customer", "sender", "receiver", "payer"], rng.randint(1, 4)),
                    "state": rng.choice(["enabled", "disabled"])}
            traffic.send(session, "POST", "/v1/webhooks/update", api=True, json=body)
        elif action == 3:
            numbers = rng.sample(orders, rng.randint(1, 5))
            traffic.send(session, "POST", f"/v1/webhooks/{sub_id}/orders/add", api=True, json={**creds, "orderNumbers": numbers})
        elif action == 4:
            numbers = rng.sample(orders, rng.randint(1, 5))
            traffic.send(session, "POST", f"/v1/webhooks/{sub_id}/orders/delete", api=True,
                         json={**creds, "orderNumbers": numbers})
        elif action == 5:
            traffic.send(session, "POST", f"/v1/webhooks/{sub_id}/orders", api=True, json={**creds, "perPage": 5})
        elif action == 6:
            traffic.send(session, "POST", "/v1/webhooks", api=True, json=creds)
        else:
            traffic.send(session, "POST", "/v2/user/session/delivery/create", api=True, json={"hash": "f" * 32})


def event_worker(traffic: Traffic, delivered: threading.Event):
    session = requests.Session()
    for _ in range(EVENTS_PER_THREAD):
        traffic.send(session, "POST", "/__mock/dellin/events", api=False,
                     json={"orderNumber": EVENT_ORDER, "eventType": "order.state.pickup"})
        delivered.set()


def clock_worker(traffic: Traffic, delivered: threading.Event):
    """Once first attempts have failed, advancing runs their retries (the
    hanging receiver's among them) inside the admin call."""
    session = requests.Session()
    delivered.wait(60)
    for _ in range(CLOCK_ADVANCES):
        traffic.send(session, "POST", "/__mock/clock/advance", api=False, json={"seconds": 61})
        traffic.send(session, "GET", "/__mock/dellin/deliveries", api=False)


# ------------------------------------------------------------------ replay
def expected_sessions(journal: list[dict], seed_users: list[dict]) -> dict:
    """Navixy keys are random, so the replay takes them from the answers."""
    sessions = {u["hash"]: u.get("delivery_session") for u in seed_users}
    for entry in journal:
        if entry["operation"] == "navixy.delivery.create" and entry["response"]["status"] == 200:
            sessions[entry["request"]["json"]["hash"]] = entry["response"]["json"]["value"]
    return sessions


def replay_dellin(journal: list[dict], scenario: dict) -> dict:
    """Send every journaled Dellin call, in journal order, to a fresh mock."""
    app = create_app(scenario=scenario, **_config())
    client = app.test_client()
    for entry in journal:
        if entry["api"] != "dellin":
            continue
        response = client.post(entry["path"], json=entry["request"]["json"])
        assert response.status_code == entry["response"]["status"], entry
    return runtime_of(app).dump_state()["dellin"]


def api_users(dellin: dict) -> list[dict]:
    return [u for u in dellin["users"] if u["login"].startswith("api")]


def test_mixed_load_with_hanging_refusing_and_failing_receivers(record_property):
    receivers = _Receivers()
    scenario = _scenario(receivers)
    app = create_app(scenario=scenario, **_config())
    server = ThreadedServer(app, threads=16)
    traffic = Traffic(server.url)
    try:
        running = threading.Event()
        running.set()
        api = [threading.Thread(target=api_worker, args=(traffic, i, 1000 + i, running)) for i in range(API_THREADS)]
        delivered = threading.Event()
        admin = [threading.Thread(target=event_worker, args=(traffic, delivered)) for _ in range(EVENT_THREADS)]
        admin += [threading.Thread(target=clock_worker, args=(traffic, delivered)) for _ in range(CLOCK_THREADS)]
        workers = api + admin
        assert len(workers) == 16
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 120
        for worker in admin:
            worker.join(max(0.0, deadline - time.monotonic()))
        running.clear()
        for worker in api:
            worker.join(max(0.0, deadline - time.monotonic()))
        stuck = [w.name for w in workers if w.is_alive()]
        assert stuck == [], f"stuck client threads: {stuck}"
    finally:
        receivers.close()
        server.stop()

    assert traffic.errors == []
    server_errors = [(call, status) for call, status in traffic.statuses if status >= 500]
    assert server_errors == []
    mock = runtime_of(app)
    log = mock.deliveries()["deliveries"]
    attempts = {}
    for entry in log:
        attempts[entry.get("url")] = attempts.get(entry.get("url"), 0) + 1
    # each receiver got its first attempts and at least one retry
    assert all(attempts.get(url, 0) > EVENT_THREADS * EVENTS_PER_THREAD
               for url in (receivers.hang_url, receivers.refuse_url, receivers.fail_url)), attempts

    journal = sorted(mock.journal.entries(), key=lambda e: e["id"])
    assert len([e for e in journal if e["api"] != "admin"]) == len(traffic.api_latencies) >= API_THREADS * OPS_PER_API_THREAD
    final = mock.dump_state()
    sessions = {u["hash"]: u["delivery_session"] for u in final["navixy"]["users"]}
    assert sessions == expected_sessions(journal, scenario["state"]["navixy"]["users"])
    assert api_users(final["dellin"]) == api_users(replay_dellin(journal, scenario))

    latencies = sorted(traffic.api_latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    record_property("api_p99_seconds", round(p99, 4))
    record_property("api_median_seconds", round(statistics.median(latencies), 4))
    print(f"\nsoak: {len(latencies)} API calls, p99 {p99 * 1000:.1f} ms, median "
          f"{statistics.median(latencies) * 1000:.1f} ms; receivers hang {HANG_SECONDS:.0f} s, "
          f"webhook timeout {WEBHOOK_TIMEOUT} s")
    # a blocked API call would wait at least one webhook timeout
    assert p99 < WEBHOOK_TIMEOUT / 2 < HANG_SECONDS
