"""Soak: events, clock advances, resets and API reads from several threads
against a live mock whose receiver answers 500 after a pause (so first
attempts are on the wire while advances arrive). Every retry, as the
answers report it, ran exactly its delay after the attempt before it, and
no answer is a 5xx.

Short profile in the suite; a longer run:

    MOCK_SCHEDULE_SOAK_SECONDS=60 python -m pytest tests/delivery/test_schedule_soak.py -s
"""
from __future__ import annotations

import os
import random
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from mockserver import create_app
from mockserver.clock import parse_instant
from mockserver.server import ThreadedServer

pytestmark = [pytest.mark.soak, pytest.mark.live]

SECONDS = float(os.environ.get("MOCK_SCHEDULE_SOAK_SECONDS", "4"))
SCHEDULE = (60.0, 1200.0, 10800.0)
ORDER = "8216702228554"
APPKEY = "00000000-0000-0000-0000-000000000000"


class SlowFailure(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(0.05)  # on the wire long enough for an advance to arrive meanwhile
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


def scenario(url: str) -> dict:
    return {
        "name": "schedule-soak",
        "clock": {"start": "2024-06-01T09:00:00Z", "mode": "virtual"},
        "state": {"dellin": {"appkeys": [APPKEY], "users": [{
            "login": "soak@example.test", "password": "Password1", "orders": [{"number": ORDER}],
            "subscriptions": [{"id": 1, "url": url, "orderRoles": ["sender"], "orders": [ORDER]}],
        }]}},
    }


def late_retries(entries: list[dict]) -> tuple[int, list[str]]:
    """Retries seen, and those that did not run their delay after the attempt before."""
    by_notification: dict[str, dict[int, dict]] = {}
    for entry in entries:
        if entry["outcome"] != "dropped":
            by_notification.setdefault(entry["notification_id"], {})[entry["attempt"]] = entry
    retries, late = 0, []
    for attempts in by_notification.values():
        for number, entry in attempts.items():
            before = attempts.get(number - 1)
            if number == 1 or before is None:
                continue
            retries += 1
            due = parse_instant(before["time"]) + timedelta(seconds=SCHEDULE[number - 2])
            if parse_instant(entry["time"]) != due:
                late.append(f"{entry['notification_id']} attempt {number} at {entry['time']}, due {due}")
    return retries, late


def test_retries_run_at_their_due_time_under_concurrent_triggers_advances_and_resets(record_property):
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), SlowFailure)
    receiver.daemon_threads = True
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    app = create_app(scenario=scenario(url), allow_http_webhooks=True, max_consecutive_failures=1_000_000,
                     retry_schedule_seconds=SCHEDULE, webhook_timeout_seconds=10)
    statuses: list[int] = []
    entries: list[dict] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def worker(seed: int, kind: str):
        rng = random.Random(seed)
        session = requests.Session()
        while time.monotonic() < stop:
            try:
                if kind == "events":
                    answer = session.post(server.url + "/__mock/dellin/events",
                                          json={"orderNumber": ORDER, "eventType": "order.state.pickup"}, timeout=60)
                elif kind == "clock":
                    seconds = rng.choice([30, 60, 61, 1200, 1260, 3600, 10800, 20000])
                    if rng.random() < 0.05:
                        answer = session.post(server.url + "/__mock/reset", timeout=60)
                    else:
                        answer = session.post(server.url + "/__mock/clock/advance", json={"seconds": seconds},
                                              timeout=60)
                else:
                    answer = session.post(server.url + "/v1/webhooks",
                                          json={"appkey": APPKEY, "sessionID": APPKEY}, timeout=60)
            except requests.RequestException as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                statuses.append(answer.status_code)
                if answer.status_code == 200 and kind in ("events", "clock"):
                    entries.extend(answer.json().get("deliveries", []))

    with ThreadedServer(app, threads=8) as server:
        threads = [threading.Thread(target=worker, args=(i, kind))
                   for i, kind in enumerate(["events", "events", "events", "clock", "clock", "api"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 120)
        assert not any(thread.is_alive() for thread in threads)
    receiver.shutdown()
    receiver.server_close()

    retries, late = late_retries(entries)
    server_errors = [s for s in statuses if s >= 500]
    record_property("requests", len(statuses))
    record_property("server_errors", len(server_errors))
    record_property("retries", retries)
    record_property("late_retries", len(late))
    print(f"\nschedule soak: {len(statuses)} requests, {len(server_errors)} 5xx, "
          f"{retries} retries, {len(late)} late")
    assert errors == []
    assert server_errors == []
    assert retries > 0
    assert late == []
