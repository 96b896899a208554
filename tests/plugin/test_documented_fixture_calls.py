"""The documented fixture calls, verbatim, with the set-up they need in between."""
from __future__ import annotations


def test_the_documented_fixture_calls_work_as_written(runner):
    runner.pytester.makepyfile(
        """
        import pytest

        APPKEY = SESSION = "00000000-0000-0000-0000-000000000000"


        def subscribe(mock, url):
            import requests
            body = {"appkey": APPKEY, "sessionID": SESSION}
            sub = requests.post(mock.dellin_url + "/v1/webhooks/update",
                                json={**body, "url": url, "orderRoles": ["sender"]}).json()["data"]["id"]
            requests.post(mock.dellin_url + f"/v1/webhooks/{sub}/orders/add", json={**body, "orderNumbers": ["8216702228554"]})
            return sub


        @pytest.mark.mock_scenario("default")
        def test_example(mock, webhook_receiver):
            import requests
            r = requests.post(mock.navixy_url + "/user/session/delivery/read", json={"hash": "..."})
            assert r.json()["status"]["code"] == 3
            sub = subscribe(mock, webhook_receiver.url)
            mock.advance_clock(seconds=60)          # also: mock.advance_clock("20m")
            mock.advance_clock("20m")
            mock.trigger_order_event("8216702228554", "order.state.pickup")
            webhook_receiver.fail_next(2)           # the next 2 deliveries get HTTP 500
            webhook_receiver.wait_for(1, timeout=5)
            notification = webhook_receiver.received[0].json       # the parsed notification
            assert notification is not None
            assert mock.state() == requests.get(mock.url + "/__mock/state").json()
            mock.load_scenario({"name": "x", "state": {"navixy": {"users": [{"hash": "f" * 32}]}}})
            assert [u["hash"] for u in mock.state()["navixy"]["users"]] == ["f" * 32]
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_fail_next_makes_deliveries_fail_and_the_retry_succeed(runner):
    runner.pytester.makepyfile(
        """
        APPKEY = SESSION = "00000000-0000-0000-0000-000000000000"
        ORDER = "8216702228554"

        def test_retries(mock, webhook_receiver):
            import requests
            mock.load_scenario({"name": "solo", "state": {"dellin": {"appkeys": [APPKEY], "users": [
                {"login": "a@b.c", "password": "p", "sessions": [SESSION], "orders": [{"number": ORDER}]}]}}})
            body = {"appkey": APPKEY, "sessionID": SESSION}
            sub = requests.post(mock.dellin_url + "/v1/webhooks/update",
                                json={**body, "url": webhook_receiver.url, "orderRoles": ["sender"]}).json()["data"]["id"]
            requests.post(mock.dellin_url + f"/v1/webhooks/{sub}/orders/add", json={**body, "orderNumbers": [ORDER]})
            webhook_receiver.fail_next(2)
            mock.trigger_order_event(ORDER, "order.state.pickup")
            mock.advance_clock("1m")
            mock.advance_clock("20m")
            webhook_receiver.wait_for(3, timeout=5)
            assert [r.status for r in webhook_receiver.received] == [500, 500, 200]
            mock.assert_delivered(times=2, subscription_id=sub, outcome="failed")
            mock.assert_delivered(times=1, subscription_id=sub, attempt=3, outcome="delivered")
            states = {s["id"]: s["state"] for u in mock.state()["dellin"]["users"] for s in u.get("subscriptions", [])}
            assert states[sub] == "enabled"
        """
    )
    runner.run().assert_outcomes(passed=1)
