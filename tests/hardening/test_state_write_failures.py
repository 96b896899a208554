"""A state file that cannot be written: at start-up, one line and exit status
2; while serving, the change is rolled back and answered with each API's
"unavailable" answer (Navixy 14 and admin: 503; Dellin 100006: 500), reads and the admin API keep
working, and writes resume when the disk does. The failures come from the
writer's ``os.replace`` and ``mkstemp``, not from a real full disk."""
from __future__ import annotations

import errno
import json
import os

import pytest

from mockserver import create_app
from mockserver.app import runtime_of
from mockserver.cli import main
from mockserver.dellin import errors as dellin_errors
from mockserver.navixy import errors as navixy_errors

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
APPKEY = SESSION = "00000000-0000-0000-0000-000000000000"
CREATE = "/v2/user/session/delivery/create"


class Disk:
    """Makes ``os.replace`` in the state writer fail until ``recover()``."""

    def __init__(self, monkeypatch):
        self.failing = False
        real = os.replace

        def replace(src, dst, *args, **kwargs):
            if self.failing:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(src, dst, *args, **kwargs)

        monkeypatch.setattr("mockserver.persistence.os.replace", replace)

    def fill(self):
        self.failing = True

    def recover(self):
        self.failing = False


@pytest.fixture
def served(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    app = create_app(state_file=str(path))
    # a plain client: the contract client takes any 5xx for a failure of the mock
    return app.test_client(), runtime_of(app), path, Disk(monkeypatch)


def on_disk(path) -> dict:
    return json.loads(path.read_text())["state"]


def test_a_failed_write_is_each_apis_unavailable_answer_and_changes_nothing(served, schemas):
    client, mock, path, disk = served
    before, clock_before = mock.dump_state(), mock.clock.describe()
    disk.fill()

    navixy = client.post(CREATE, json={"hash": MASTER})
    assert navixy.status_code == 503
    assert navixy.get_json()["status"]["code"] == navixy_errors.DATABASE_UNAVAILABLE == 14
    assert schemas.problems("navixy/error.schema.json", navixy.get_json()) == []

    dellin = client.post("/v1/webhooks/update", json={"appkey": APPKEY, "sessionID": SESSION,
                                                      "url": "https://hooks.example/x", "orderRoles": ["sender"]})
    # Dellin's table has no 503: its internal server error, with the table's status
    assert dellin.status_code == 500
    body = dellin.get_json()
    assert body["metadata"]["status"] == 500 and body["errors"][0]["code"] == dellin_errors.INTERNAL == 100006
    assert schemas.problems("dellin/error.schema.json", body) == []

    admin = client.post("/__mock/clock/advance", json={"seconds": 3600})
    assert admin.status_code == 503
    assert admin.get_json()["error"]["details"] == ["unavailable"]

    # rolled back: memory is what the disk holds
    assert mock.dump_state() == before == on_disk(path)
    assert mock.clock.describe() == clock_before
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]  # no temporary file left


def test_reads_health_and_the_admin_api_keep_working_meanwhile(served):
    client, mock, path, disk = served
    disk.fill()
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 503
    assert client.get(f"/v2/user/session/delivery/read?hash={MASTER}").status_code in (200, 400)
    assert client.get("/__mock/health").get_json() == {"status": "ok"}
    assert client.get("/__mock/state").status_code == 200
    assert client.get("/__mock/requests").status_code == 200
    assert client.post("/v1/webhooks", json={"appkey": APPKEY, "sessionID": SESSION}).status_code == 200
    assert all(entry["response"]["status"] != 500 for entry in mock.journal.entries())


def test_writes_resume_when_the_disk_does(served):
    client, mock, path, disk = served
    disk.fill()
    assert client.post(CREATE, json={"hash": MASTER}).status_code == 503
    disk.recover()
    created = client.post(CREATE, json={"hash": MASTER})
    assert created.status_code == 200
    key = created.get_json()["value"]
    user = next(u for u in on_disk(path)["navixy"]["users"] if u["hash"] == MASTER)
    assert user["delivery_session"] == key


def test_a_request_in_flight_during_a_rollback_is_not_acknowledged(served):
    client, mock, path, disk = served
    persister = client.application.extensions["mockserver.persistence"]
    with client.application.test_request_context(CREATE, method="POST"):
        from flask import g

        g.api = "navixy"
        persister.before_request()
        persister.rollbacks += 1  # another request's write failed and rolled back meanwhile
        answer = persister.after_request(client.application.response_class("{}"))
    assert answer.status_code == 503


# ------------------------------------------------------------------ start-up
@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES, errno.ENOSPC])
def test_a_state_folder_that_cannot_be_written_at_start_up_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys,
                                                                                error):
    def refuse(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr("mockserver.persistence.tempfile.mkstemp", refuse)
    assert main(["serve", "--port", "0", "--state-file", str(tmp_path / "state.json")]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    assert "state.json" in lines[0] and os.strerror(error) in lines[0]


def test_stale_temporary_files_are_removed_at_start_up(tmp_path):
    path = tmp_path / "state.json"
    stale = [tmp_path / ".state.json.k3j2h1.tmp", tmp_path / ".state.json.x.tmp"]
    kept = [tmp_path / ".other.json.k3j2h1.tmp", tmp_path / "state.json.bak"]
    for file in stale + kept:
        file.write_text("{")
    create_app(state_file=str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["state.json", *(p.name for p in kept)])
