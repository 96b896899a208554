"""Render the inspector page from a real run to a PNG (headless Chromium).

    python -m mockserver.inspector.screenshot [--out docs/img/inspector.png]

It starts a mock and a loopback receiver, drives them over HTTP as a client
would (Navixy calls, a Dellin login and subscription, an order event, the
clock moved forward past two retries), opens the page and saves what it
shows. Needs selenium and the system's Chromium and ChromeDriver.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import requests

from .. import create_app
from ..server import ThreadedServer
from ..testing.receiver import WebhookReceiver
from .browser import headless_chromium, missing

APPKEY = "00000000-0000-0000-0000-000000000000"
SESSION = "22222222-2222-2222-2222-222222222222"
ORDER = "8216702228554"
MASTER = "22eac1c27af4be7b9d04da2ce1af111b"

WORLD = {
    "name": "inspector-screenshot",
    "description": "A receiver that is down and one that recovers, beside the Navixy users of every kind.",
    "clock": {"start": "2024-06-01T09:00:00Z"},
    "state": {
        "navixy": {"users": [
            {"hash": MASTER, "master": True},
            {"hash": "11111111111111111111111111111111", "demo": True},
            {"hash": "44444444444444444444444444444444", "master": False, "rights": ["delivery_session_create"]},
            {"hash": "55555555555555555555555555555555", "tariff_features": []},
        ]},
        "dellin": {
            "appkeys": [APPKEY],
            "users": [{
                "login": "info@info.ru", "password": "Password1", "sessions": [SESSION],
                "orders": [{"number": ORDER, "roles": ["sender", "payer"]}],
                "subscriptions": [{
                    "id": 2, "url": "https://hooks.example/down", "eventTypes": ["order.state.pickup"],
                    "orderRoles": ["sender"], "orders": [ORDER],
                }],
            }],
        },
    },
    "faults": [
        {"webhook": {"url": "https://hooks.example/down", "fail": "always", "status": 503}},
        {"when": {"operation": "navixy.delivery.read"}, "respond": {"error": 201}, "times": 2},
    ],
}


def drive(url: str, receiver_url: str) -> None:
    """What a client under test would do, over HTTP."""
    with requests.Session() as http:
        def post(path, **body):
            return http.post(url + path, json=body, timeout=10)

        post("/v2/user/session/delivery/create", hash=MASTER)
        post("/v2/user/session/delivery/create", hash="55555555555555555555555555555555")
        post("/v2/user/session/delivery/read", hash=MASTER)
        post("/v3/auth/login.json", appkey=APPKEY, login="info@info.ru", password="Password1")
        created = post("/v1/webhooks/update", appkey=APPKEY, sessionID=SESSION, url=receiver_url + "/dellin",
                       eventTypes=["order.state.pickup", "order.state.completed"], orderRoles=["sender", "payer"])
        sub = created.json()["data"]["id"]
        post(f"/v1/webhooks/{sub}/orders/add", appkey=APPKEY, sessionID=SESSION, orderNumbers=[ORDER])
        # the new receiver fails twice, then recovers
        post("/__mock/faults", webhook={"url": receiver_url + "/dellin", "fail": 2, "status": 500})
        post("/__mock/dellin/events", orderNumber=ORDER, eventType="order.state.pickup")
        post("/__mock/clock/advance", by="1m")
        post("/__mock/clock/advance", by="20m")
        post("/__mock/dellin/events", orderNumber=ORDER, eventType="order.state.completed")
        post("/__mock/clock/advance", by="1h30m")
        post("/v1/webhooks", appkey=APPKEY, sessionID=SESSION)
        post("/v2/user/session/delivery/read", hash=MASTER)


def render(out: Path, width: int = 1440) -> Path:
    from selenium.webdriver.support.ui import WebDriverWait

    app = create_app(scenario=WORLD, allow_http_webhooks=True)
    with WebhookReceiver() as receiver, ThreadedServer(app) as server:
        drive(server.url, receiver.url)
        with headless_chromium(width=width, height=900) as browser:
            browser.get(server.url + "/__mock/ui")
            WebDriverWait(browser, 30).until(
                lambda b: b.execute_script(
                    "return document.querySelectorAll('svg.timeline').length >= 2"
                    " && document.querySelectorAll('#journal-rows tr.call').length > 0"
                    " && document.querySelectorAll('#scenario-rows li').length > 0"
                )
            )
            # one journal row open, to show the bodies (the tariff refusal)
            browser.execute_script("document.querySelector('#journal-rows tr.call[data-status=\"402\"]').click()")
            WebDriverWait(browser, 10).until(lambda b: b.execute_script("return !!document.querySelector('tr.bodies')"))
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(width, min(height + 20, 4000))
            out.parent.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(out))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockserver.inspector.screenshot", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img/inspector.png", help="where to write the PNG (default: %(default)s)")
    parser.add_argument("--width", type=int, default=1440, help="window width in pixels (default: %(default)s)")
    args = parser.parse_args(argv)
    problem = missing()
    if problem:
        print(f"cannot take the screenshot: {problem}", file=sys.stderr)
        return 2
    print(render(Path(args.out), args.width))
    return 0


if __name__ == "__main__":
    sys.exit(main())
