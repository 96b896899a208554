"""Dellin passwords and session ids are compared in constant time, so the
time a refusal takes says nothing about how much of a guess was right."""
from __future__ import annotations

import hmac

import pytest

from .helpers import APPKEY, LOGIN, PASSWORD, SESSION

LOGIN_PATH = "/v3/auth/login.json"


@pytest.fixture
def comparisons(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    return calls


def compared(calls, secret: str) -> bool:
    return any(secret.encode() in (a, b) for a, b in calls)


@pytest.mark.parametrize("password", [PASSWORD, PASSWORD[:-1], PASSWORD + "x", "P"])
def test_the_password_is_compared_in_constant_time(client, comparisons, password):
    answer = client.post(LOGIN_PATH, json={"appkey": APPKEY, "login": LOGIN, "password": password})
    assert answer.status_code == (200 if password == PASSWORD else 401)
    assert compared(comparisons, password)


def test_an_unknown_login_costs_the_same_comparison(client, comparisons):
    answer = client.post(LOGIN_PATH, json={"appkey": APPKEY, "login": "nobody@example.test", "password": "guess"})
    assert answer.status_code == 401
    assert compared(comparisons, "guess")


@pytest.mark.parametrize("session", [SESSION, SESSION[:-1] + "1"])
def test_the_session_id_is_compared_in_constant_time(client, comparisons, session):
    answer = client.post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": session})
    assert answer.status_code == (200 if session == SESSION else 401)
    if session == SESSION:
        assert compared(comparisons, SESSION)
