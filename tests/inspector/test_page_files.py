"""The page's files as the server sends them: types, headers, the admin token."""
from __future__ import annotations

import re

import pytest

from mockserver import create_app
from mockserver.inspector.routes import FILES, SCRIPT, page_file

PAGE_PATHS = {"/__mock/ui": "text/html", "/__mock/ui/inspector.js": "text/javascript",
              "/__mock/ui/inspector.css": "text/css"}


@pytest.fixture
def plain_client(app):
    return app.test_client()  # the contract client expects JSON; these are not


@pytest.mark.parametrize("path, mimetype", PAGE_PATHS.items())
def test_each_file_is_served_with_its_type_and_a_strict_policy(plain_client, path, mimetype):
    response = plain_client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_loads_nothing_from_elsewhere_and_runs_no_inline_script(plain_client):
    html = plain_client.get("/__mock/ui").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources and all(s.startswith("/__mock/ui/") or s.startswith("data:") for s in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


def test_the_script_never_parses_data_as_markup():
    script = page_file(FILES[SCRIPT]).decode()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink


def test_behind_an_admin_token_the_files_are_served_but_the_data_is_not():
    client = create_app(admin_token="t0ken").test_client()
    for path in PAGE_PATHS:
        assert client.get(path).status_code == 200, path
    assert client.get("/__mock/state").status_code == 401
    assert client.get("/__mock/requests").status_code == 401
    assert client.get("/__mock/state", headers={"X-Mock-Admin-Token": "t0ken"}).status_code == 200


def test_other_paths_under_the_page_are_admin_404s_and_need_the_token(plain_client):
    response = plain_client.get("/__mock/ui/index.html")
    assert response.status_code == 404 and response.get_json()["error"]["message"]
    guarded = create_app(admin_token="t0ken").test_client()
    assert guarded.get("/__mock/ui/anything").status_code == 401


def test_page_calls_are_not_journaled(plain_client):
    for path in PAGE_PATHS:
        plain_client.get(path)
    assert plain_client.get("/__mock/requests").get_json() == {"requests": []}


def test_the_pages_own_calls_pass_the_admin_rules(plain_client):
    """What the browser sends for the page's calls: its own origin, a JSON body."""
    same_origin = {"Host": "127.0.0.1:8080", "Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}
    for path in ("/__mock/clock", "/__mock/state", "/__mock/dellin/deliveries", "/__mock/faults",
                 "/__mock/scenarios", "/__mock/openapi.json", "/__mock/requests?limit=200"):
        assert plain_client.get(path, headers=same_origin).status_code == 200, path
    answer = plain_client.post("/__mock/clock/advance", json={"by": "1m"}, headers=same_origin)
    assert answer.status_code == 200
    assert plain_client.post("/__mock/reset", json={}, headers=same_origin).status_code == 200
