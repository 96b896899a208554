"""Navixy delivery sessions over HTTP, through the test client."""
import pytest

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"
DEMO = "11111111111111111111111111111111"
SUB_NO_RIGHTS = "33333333333333333333333333333333"
SUB_CREATE = "44444444444444444444444444444444"
NO_TARIFF = "55555555555555555555555555555555"
HAS_SESSION = "66666666666666666666666666666666"
CREATE = "/v2/user/session/delivery/create"
READ = "/v2/user/session/delivery/read"


def call(client, path, hash_, form):
    if form == "json":
        return client.post(path, json={"hash": hash_})
    if form == "query":
        return client.get(path, query_string={"hash": hash_})
    if form == "form":
        return client.post(path, data={"hash": hash_})
    if form == "header":
        return client.post(path, headers={"Authorization": f"NVX {hash_}"})
    raise AssertionError(form)


FORMS = ["json", "query", "form", "header"]


@pytest.mark.parametrize("form", FORMS)
def test_create_then_read_in_every_input_form(client, form):
    created = call(client, CREATE, MASTER, form)
    assert created.status_code == 200
    value = created.json["value"]
    read = call(client, READ, MASTER, form)
    assert read.status_code == 200
    assert read.json == {"success": True, "value": value}


def test_second_create_replaces_the_first_key(client):
    first = call(client, CREATE, MASTER, "json").json["value"]
    second = call(client, CREATE, MASTER, "json").json["value"]
    assert first != second
    assert call(client, READ, MASTER, "json").json["value"] == second


@pytest.mark.parametrize(
    "hash_, path, code, status",
    [
        (DEMO, CREATE, None, 200),
        (SUB_NO_RIGHTS, CREATE, 13, 403),
        (SUB_CREATE, CREATE, None, 200),
        (NO_TARIFF, CREATE, 236, 402),
        (MASTER, READ, 201, 400),
        ("ffffffffffffffffffffffffffffffff", READ, 4, 400),
        ("xyz", READ, 3, 400),
        ("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", READ, 3, 400),
        ("abc", CREATE, 3, 400),
    ],
)
def test_documented_errors(client, hash_, path, code, status):
    response = call(client, path, hash_, "json")
    assert response.status_code == status
    if code is None:
        assert response.json["success"] is True
    else:
        assert response.json["status"]["code"] == code


def test_demo_create_is_refused_once_a_session_exists(client):
    assert call(client, CREATE, DEMO, "json").status_code == 200
    again = call(client, CREATE, DEMO, "json")
    assert (again.status_code, again.json["status"]["code"]) == (403, 101)


def test_existing_session_is_read(client):
    assert call(client, READ, HAS_SESSION, "query").json["value"] == "0123456789abcdef0123456789abcdef"


def test_body_hash_wins_over_query_and_header(client):
    response = client.post(
        READ + "?hash=" + MASTER,
        json={"hash": HAS_SESSION},
        headers={"Authorization": f"NVX {MASTER}"},
    )
    assert response.json["value"] == "0123456789abcdef0123456789abcdef"


def test_query_wins_over_header(client):
    response = client.get(READ, query_string={"hash": HAS_SESSION}, headers={"Authorization": f"NVX {MASTER}"})
    assert response.json["value"] == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("header", ["NVX  " + MASTER, "Bearer " + MASTER, "NVX", "nvx " + MASTER])
def test_malformed_authorization_header_is_a_wrong_hash(client, header):
    response = client.post(READ, headers={"Authorization": header})
    assert response.json["status"]["code"] == 3


@pytest.mark.parametrize(
    "kwargs, code, status",
    [
        ({"data": b"{not json", "content_type": "application/json"}, 5, 400),
        ({"data": b"[1, 2]", "content_type": "application/json"}, 5, 400),
        ({"data": b'"hash"', "content_type": "application/json"}, 5, 400),
        ({"data": b"\xff\xfe\x00", "content_type": "application/json"}, 5, 400),
        ({"data": b"hash=1", "content_type": "text/plain"}, 5, 400),
        ({"json": {"hash": 12345}}, 7, 400),
        ({"json": {"hash": None}}, 7, 400),
        ({"json": {"hash": [MASTER]}}, 7, 400),
        ({"json": {}}, 3, 400),
        ({"data": b"{}" + b" " * (1024 * 1024), "content_type": "application/json"}, 9, 412),
        ({"data": b"[" * 10000 + b"]" * 10000, "content_type": "application/json"}, 5, 400),
    ],
    ids=["malformed", "array", "string", "latin1", "text-plain", "int-hash", "null-hash", "list-hash",
         "no-hash", "over-1MiB", "nested-10000"],
)
def test_bad_input_gets_the_navixy_envelope_and_changes_nothing(client, runtime, kwargs, code, status):
    before = runtime.dump_state()
    response = client.post(CREATE, **kwargs)
    assert (response.status_code, response.json["status"]["code"]) == (status, code)
    assert runtime.dump_state() == before


def test_unknown_path_and_wrong_method(client):
    assert client.get("/v2/user/nope").json["status"]["code"] == 111
    assert client.get("/v2/user/nope").status_code == 400  # the docs give no status: their default
    response = client.put(CREATE, json={"hash": MASTER})
    assert (response.status_code, response.json["status"]["code"]) == (400, 112)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}


def test_unknown_parameters_are_ignored(client):
    response = client.post(CREATE, json={"hash": MASTER, "locale": "en"})
    assert response.status_code == 200


def test_calls_are_journaled(client, runtime):
    call(client, CREATE, MASTER, "json")
    call(client, READ, "ffffffffffffffffffffffffffffffff", "query")
    entries = runtime.journal.entries()
    assert [(e["operation"], e["response"]["status"]) for e in entries] == [
        ("navixy.delivery.create", 200),
        ("navixy.delivery.read", 400),
    ]
    assert entries[1]["query"] == {"hash": "ffffffffffffffffffffffffffffffff"}
