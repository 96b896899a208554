"""The admin surface on a shared host: no file outside the allowed folders is
read through a scenario name, and neither a page elsewhere (a foreign Origin,
a form or text/plain body) nor a re-pointed name (a foreign Host) can drive
the admin API. Nothing refused changes anything."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.cli import build_parser
from mockserver.resources import scenarios_dir
from mockserver.server import ThreadedServer

from ..contract import ContractClient

SECRET_KEY = "only-the-file-system-knows-this"
# valid JSON, with content a refusal must not echo
SECRET_DOCUMENT = {SECRET_KEY: {"password": "hunter2"}}
VALID = {"name": "allowed", "description": "from the operator's folder",
         "state": {"navixy": {"users": [{"hash": "a" * 32}]}}}


def client_of(app):
    app.test_client_class = ContractClient
    return app.test_client()


@pytest.fixture
def folders(tmp_path):
    allowed = tmp_path / "allowed"
    outside = tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (allowed / "allowed.json").write_text(json.dumps(VALID))
    (outside / "secret.json").write_text(json.dumps(SECRET_DOCUMENT))
    (outside / "valid.json").write_text(json.dumps({**VALID, "name": "outside"}))
    return allowed, outside


@pytest.fixture
def guarded_client(folders):
    allowed, _ = folders
    return client_of(create_app(scenario_dirs=(str(allowed),)))


def load(client, name):
    return client.post("/__mock/scenarios", json={"name": name})


# ------------------------------------------------------------------ scenario names
def test_bundled_names_and_files_in_a_scenario_dir_load_by_name(guarded_client):
    assert load(guarded_client, "default").status_code == 200
    for name in ("allowed", "allowed.json"):
        answer = load(guarded_client, name)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["loaded"] == "allowed"


def refused_names(folders) -> list[str]:
    allowed, outside = folders
    os.symlink(outside / "secret.json", allowed / "link.json")
    os.symlink(outside, allowed / "linked-folder")
    bundled = scenarios_dir() / "default.yaml"
    return [
        str(outside / "secret.json"),  # an absolute path to a file that exists
        str(outside / "valid.json"),  # ... even one that is a valid scenario
        str(outside / "missing.json"),  # ... and one that does not exist
        str(bundled),  # an absolute path to a bundled scenario is still a path
        "../outside/secret.json",
        "../outside/secret",
        "..",
        "../../../../../../etc/passwd",
        "link.json",  # a symlink out of the folder
        "link",
        "linked-folder/secret.json",
        "linked-folder/valid",
        "nope",
        "nope.yaml",
        ".",
        "",
        "C:\\Windows\\win.ini",
        "a\0b",
    ]


def test_anything_but_a_name_is_refused_with_one_message_that_reveals_nothing(guarded_client, folders):
    runtime = runtime_of(guarded_client.application)
    before = (runtime.dump_state(), runtime.scenario["name"])
    messages = set()
    for name in refused_names(folders):
        answer = load(guarded_client, name)
        assert answer.status_code == 422, name
        error = answer.get_json()["error"]
        text = json.dumps(error)
        assert SECRET_KEY not in text and "hunter2" not in text, name
        assert "exist" not in text and "cannot read" not in text, name
        # one and the same refusal, whatever is (or is not) at that path
        assert error["message"] == f"{name}: {error['details'][0]}"
        messages.add(json.dumps(error["details"]))
    assert len(messages) == 1, messages
    assert (runtime.dump_state(), runtime.scenario["name"]) == before


def test_the_scenario_list_leaves_out_symlinks_that_leave_the_folder(guarded_client, folders):
    allowed, outside = folders
    os.symlink(outside / "secret.json", allowed / "link.json")
    listed = guarded_client.get("/__mock/scenarios").get_json()["scenarios"]
    assert "allowed" in {row["name"] for row in listed}
    assert "link" not in {row["name"] for row in listed}
    assert SECRET_KEY not in json.dumps(listed)


def test_the_operator_may_still_name_any_path(folders):
    _, outside = folders
    app = create_app(scenario=str(outside / "valid.json"))
    assert runtime_of(app).scenario["name"] == "outside"


def test_serve_takes_repeatable_scenario_dirs_and_allowed_hosts():
    args = build_parser().parse_args(
        ["serve", "--scenario-dir", "a", "--scenario-dir", "b", "--allow-host", "mock.internal", "--allow-host", "ci"]
    )
    assert args.scenario_dir == ["a", "b"]
    assert args.allow_host == ["mock.internal", "ci"]


# ------------------------------------------------------------------ body types
def snapshot(runtime):
    return runtime.dump_state(), runtime.clock.describe(), runtime.scenario["name"]


SIMPLE_BODIES = [
    ("text/plain", json.dumps({"seconds": 60})),
    ("application/x-www-form-urlencoded", "seconds=60"),
    ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=seconds\r\n\r\n60\r\n--x--\r\n"),
    ("", json.dumps({"seconds": 60})),
]


@pytest.mark.parametrize("content_type, body", SIMPLE_BODIES)
@pytest.mark.parametrize("method, path", [
    ("POST", "/__mock/clock/advance"), ("PUT", "/__mock/state"), ("POST", "/__mock/reset"),
    ("POST", "/__mock/scenarios"), ("POST", "/__mock/faults"), ("POST", "/__mock/dellin/events"),
    ("DELETE", "/__mock/requests"),
])
def test_a_body_a_browser_may_send_cross_site_is_415_and_changes_nothing(client, runtime, method, path, content_type, body):
    client.post("/v2/user/session/delivery/create", json={"hash": "22eac1c27af4be7b9d04da2ce1af111b"})
    before = snapshot(runtime), len(runtime.journal.entries())
    headers = {"Content-Type": content_type} if content_type else {}
    answer = client.open(path, method=method, data=body, headers=headers)
    assert answer.status_code == 415
    assert answer.get_json()["error"]["details"] == ["content_type"]
    assert (snapshot(runtime), len(runtime.journal.entries())) == before


def test_an_empty_form_post_is_refused_too(client, runtime):
    """A cross-site form with no fields has no body, only its content type."""
    before = snapshot(runtime)
    answer = client.post("/__mock/reset", data="", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 415
    assert snapshot(runtime) == before


def test_json_bodies_and_bodyless_calls_are_accepted(client):
    assert client.post("/__mock/clock/advance", json={"seconds": 1}).status_code == 200
    assert client.post("/__mock/clock/advance", data=b'{"seconds": 1}',
                       content_type="application/json; charset=utf-8").status_code == 200
    assert client.post("/__mock/reset").status_code == 200


def test_a_scenario_document_may_be_yaml_and_nothing_else_may(client):
    document = "name: as-yaml\nstate: {navixy: {users: [{hash: '" + "b" * 32 + "'}]}}\n"
    assert client.post("/__mock/scenarios", data=document, content_type="application/yaml").status_code == 200
    assert client.put("/__mock/state", data="navixy: {users: []}", content_type="application/yaml").status_code == 415


# ------------------------------------------------------------------ Host and Origin
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example",
                                  "10.0.0.8:8080", "[::2]:80", "", "a b", "localhost@evil.example"])
def test_a_foreign_host_gets_403_and_changes_nothing(client, runtime, host):
    before = snapshot(runtime)
    for method, path, body in [("GET", "/__mock/state", None), ("POST", "/__mock/reset", None),
                               ("POST", "/__mock/clock/advance", {"seconds": 600}),
                               ("GET", "/__mock/no-such-call", None)]:
        answer = client.open(path, method=method, json=body, headers={"Host": host})
        assert answer.status_code == 403, (method, path)
        assert answer.get_json()["error"]["details"] == ["host"]
    assert snapshot(runtime) == before


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "LOCALHOST.", "127.0.0.1", "127.0.0.1:1",
                                  "[::1]", "[::1]:9999"])
def test_loopback_names_are_served(client, host):
    assert client.get("/__mock/health", headers={"Host": host}).status_code == 200


def test_a_name_allowed_by_the_operator_is_served():
    client = client_of(create_app(allowed_hosts=("mock.internal",)))
    assert client.get("/__mock/health", headers={"Host": "mock.internal:8080"}).status_code == 200
    assert client.get("/__mock/health", headers={"Host": "other.internal"}).status_code == 403


def test_the_listening_address_is_served(app):
    runtime_of(app).listening_on("192.0.2.10", 8080)
    client = client_of(app)
    assert client.get("/__mock/health", headers={"Host": "192.0.2.10:8080"}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost:1", "https://localhost",
                                    "http://localhost.evil.example", "file://", "not a url"])
def test_a_foreign_origin_gets_403_and_changes_nothing(client, runtime, origin):
    before = snapshot(runtime)
    answer = client.post("/__mock/clock/advance", json={"seconds": 600}, headers={"Origin": origin})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["details"] == ["origin"]
    assert client.post("/__mock/reset", headers={"Origin": origin}).status_code == 403
    assert snapshot(runtime) == before


def test_the_mock_s_own_origin_is_served(client):
    # the test client's Host is "localhost": a page the mock served there has this origin
    assert client.post("/__mock/clock/advance", json={"seconds": 1}, headers={"Origin": "http://localhost"}).status_code == 200
    answer = client.get("/__mock/health", headers={"Host": "127.0.0.1:8080", "Origin": "http://127.0.0.1:8080"})
    assert answer.status_code == 200


def test_the_mocked_apis_take_any_host_and_origin(client):
    headers = {"Host": "api.navixy.com", "Origin": "https://evil.example"}
    answer = client.post("/v2/user/session/delivery/create", json={"hash": "22eac1c27af4be7b9d04da2ce1af111b"},
                         headers=headers)
    assert answer.status_code == 200
    answer = client.post("/v1/webhooks", data="x", content_type="text/plain", headers={"Host": "api.dellin.ru"})
    assert answer.status_code != 403


@pytest.mark.live
def test_over_a_socket_the_listening_address_is_served_and_a_rebound_name_is_not():
    app = create_app()
    with ThreadedServer(app) as server:
        assert requests.get(server.url + "/__mock/health", timeout=10).status_code == 200
        rebound = requests.post(server.url + "/__mock/reset", headers={"Host": f"attacker.example:{server.port}"},
                                timeout=10)
        assert rebound.status_code == 403
        cross_site = requests.post(server.url + "/__mock/clock/advance", data='{"seconds": 60}',
                                   headers={"Content-Type": "text/plain"}, timeout=10)
        assert cross_site.status_code == 415
        assert requests.get(server.url + "/__mock/clock", timeout=10).json()["now"] == runtime_of(app).clock.describe()["now"]
