"""Loading scenarios: every bad input is refused with the file, the place and
what is wrong, and the running mock is left exactly as it was."""
from pathlib import Path

import pytest

from mockserver.scenario import loader
from mockserver.scenario.loader import MAX_FILE_BYTES, ScenarioError, load, parse_text, read_file

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def base(**extra):
    doc = {"name": "t", "state": {"navixy": {"users": [{"hash": MASTER}]}}}
    doc.update(extra)
    return doc


def request_step(**extra):
    step = {"request": {"method": "POST", "path": "/v2/user/session/delivery/create", "json": {"hash": MASTER}}}
    step.update(extra)
    return step


BAD_DOCUMENTS = [
    # (document, the place named, words of the message)
    (base(description=5), "description", "is not of type 'string'"),
    (base(state={"navixy": {"users": [{"hash": MASTER, "demo": "yes"}]}}), "state.navixy.users[0].demo", "not of type 'boolean'"),
    (base(clock={"start": "2024-06-01T09:00:00Z", "speed": 2}), "clock", "'speed' was unexpected"),
    (base(colour="red"), "<top level>", "'colour' was unexpected"),
    (base(faults=[{"when": {"operation": "navixy.delivery.create"}, "respond": {"error": 236}, "tims": 1}]), "faults[0]", "'tims' was unexpected"),
    (base(faults=[{}, {}, {"when": {"operation": "navixy.delivery.destroy"}, "respond": {"error": 236}}]), "faults[0]", "needs when"),
    (base(faults=[{"when": {"operation": "navixy.delivery.destroy"}, "respond": {"error": 236}}]), "faults[0].when.operation", "unknown operation 'navixy.delivery.destroy'"),
    (base(faults=[{"when": {"operation": "navixy.delivery.create"}, "respond": {"error": 999}}]), "faults[0].respond.error", "navixy does not document error code 999"),
    (base(faults=[{"when": {"operation": "navixy.delivery.create"}, "respond": {"error": 1001}}]), "faults[0].respond.error", "navixy does not document error code 1001"),
    (base(faults=[{"when": {"api": "dellin"}, "respond": {"error": 236}}]), "faults[0].respond.error", "dellin does not document error code 236"),
    (base(faults=[{"when": {"path": "/v2/x"}, "respond": {"error": 6}}]), "faults[0].respond.error", "needs when.api or when.operation"),
    (base(faults=[{"when": {"api": "navixy", "operation": "dellin.webhooks.update"}, "respond": {"status": 500}}]), "faults[0].when.operation", "belongs to api dellin"),
    (base(faults=[{"when": {"api": "navixy"}}]), "faults[0]", "needs an action"),
    (base(faults=[{"when": {"api": "navixy"}, "respond": {"status": 500}, "drop_connection": True}]), "faults[0]", "cannot go together"),
    (base(faults=[{"when": {"api": "navixy", "body": {"hash": {"$regexp": "x"}}}, "respond": {"status": 500}}]), "faults[0].when.body.hash.$regexp", "unknown matcher"),
    (base(faults=[{"webhook": {"url": "https://h.example", "fail": 0}}]), "faults[0].webhook.fail", "0"),
    (base(faults=[{"webhook": {"url": "https://h.example"}, "when": {"api": "navixy"}}]), "faults[0]", "cannot also have when"),
    (base(faults=[{"when": {"api": "navixy"}, "delay_ms": "slow"}]), "faults[0].delay_ms", "not valid under any of the given schemas"),
    (base(settings={"retry_delays_from": "later"}), "settings.retry_delays_from", "is not one of"),
    (base(settings={"webhook_timeout_seconds": 0}), "settings.webhook_timeout_seconds", "less than or equal to the minimum"),
    (base(settings={"max_consecutive_failures": 2.0}), "settings", "max_consecutive_failures must be a whole number"),
    (base(settings={"error_subscriptions_receive_events": False}), "settings", "'error_subscriptions_receive_events' was unexpected"),
    (base(steps=[request_step(expect={"status": "200"})]), "steps[0].expect.status", "is not valid"),
    (base(steps=[{"request": {"path": "/v2/x"}, "advance_clock": "1m"}]), "steps[0]", "exactly one of"),
    (base(steps=[{"name": "nothing"}]), "steps[0]", "exactly one of"),
    (base(steps=[{"advance_clock": "soon"}]), "steps[0].advance_clock", "not a duration"),
    (base(steps=[request_step(expect={"json": {"value": {"$type": "text"}}})]), "steps[0].expect.json.value.$type", "$type takes one of"),
    (base(steps=[request_step(expect={"json": {"value": {"$regex": "("}}})]), "steps[0].expect.json.value.$regex", "not a valid regular expression"),
    (base(steps=[request_step(save={"key": "body.value"})]), "steps[0].save.key", "does not match"),
    (base(steps=[{"trigger_event": {"orderNumber": "1", "eventType": "order.state.pickup", "when": "now"}}]), "steps[0].trigger_event", "'when' was unexpected"),
    (base(steps=[{"expect_state": {"navixy_user": MASTER, "dellin_subscription": 2}}]), "steps[0].expect_state", "exactly one of"),
    (
        base(steps=[
            request_step(save={"key": "json.value"}),
            {"request": {"path": "/v2/user/session/delivery/read", "query": {"hash": "${hash}"}}},
        ]),
        "steps[1].request.query.hash", "${hash} is used before any step saves it (saved so far: key)",
    ),
    (
        base(steps=[request_step(expect={"json": {"value": "${key}"}}, save={"key": "json.value"})]),
        "steps[0].expect.json.value", "${key} is used before any step saves it",
    ),
]


@pytest.mark.parametrize("doc, place, words", BAD_DOCUMENTS, ids=[f"{p}:{w[:30]}" for _, p, w in BAD_DOCUMENTS])
def test_bad_documents_name_the_place_and_change_nothing(runtime, doc, place, words):
    before = runtime.dump_state()
    before_faults = runtime.faults.list()
    with pytest.raises(ScenarioError) as caught:
        runtime.load_scenario(doc)
    message = str(caught.value)
    assert f"at {place}" in message and words in message, message
    assert message.startswith("t: ")
    assert runtime.dump_state() == before
    assert runtime.faults.list() == before_faults
    assert runtime.scenario["name"] == "default"


def write(tmp_path, text, name="bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_from_a_file_name_the_file(tmp_path, runtime):
    path = write(tmp_path, "name: t\nfaults:\n  - {when: {api: navixy}, respond: {status: 500}}\n  - {}\n"
                           "  - {when: {operation: navixy.nope}, respond: {error: 6}}\n")
    before = runtime.dump_state()
    with pytest.raises(ScenarioError) as caught:
        runtime.load_scenario(str(path))
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert "at faults[2].when.operation: unknown operation 'navixy.nope'" in message
    assert "at faults[1]:" in message
    assert runtime.dump_state() == before


def test_a_bad_setting_in_a_file_names_the_file_and_the_setting(tmp_path, runtime):
    path = write(tmp_path, "name: t\nsettings:\n  retry_schedule_seconds: [60, -1]\n")
    with pytest.raises(ScenarioError) as caught:
        runtime.load_scenario(str(path))
    assert str(caught.value).startswith(f"{path}: at settings.retry_schedule_seconds[1]: -1 is less than the minimum of 0")
    assert runtime.config == runtime.base_config


def billion_laughs(levels=9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return "name: bomb\n" + "x:\n" + "".join("  " + line + "\n" for line in text.splitlines())


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path, runtime):
    path = write(tmp_path, billion_laughs())
    before = runtime.dump_state()
    with pytest.raises(ScenarioError) as caught:
        runtime.load_scenario(str(path))
    assert "alias bomb" in str(caught.value) and str(path) in str(caught.value)
    assert runtime.dump_state() == before


def test_a_few_aliases_are_fine():
    doc = parse_text("name: t\nstate:\n  navixy:\n    users:\n      - &u {hash: " + MASTER + ", demo: true}\n", "x")
    assert loader.validate(doc, "x")["state"]["navixy"]["users"][0]["demo"] is True


def test_a_recursive_alias_is_refused():
    with pytest.raises(ScenarioError, match=r"at x\[0\]: a recursive alias"):
        parse_text("x: &x [*x]\n", "f.yaml")


def test_a_file_over_5_mib_is_refused_unread(tmp_path, runtime):
    path = tmp_path / "huge.yaml"
    path.write_text("name: huge\ndescription: '" + "x" * MAX_FILE_BYTES + "'\n")
    with pytest.raises(ScenarioError, match="over the limit of 5 MiB"):
        runtime.load_scenario(str(path))
    assert runtime.scenario["name"] == "default"


def test_posted_text_over_5_mib_is_refused():
    with pytest.raises(ScenarioError, match="limit of 5 MiB"):
        parse_text("name: x\n#" + "x" * MAX_FILE_BYTES, "posted")


@pytest.mark.parametrize(
    "text, words",
    [
        ("name: t\nname: u\n", "at name: the key 'name' appears twice"),
        ("name: t\nstate: [\n", "not valid YAML: line 3"),
        ("name: t\n1: x\n", "keys must be strings"),
        ("name: t\ndescription: !!binary aGVsbG8=\n", "not a JSON value"),
        ("name: t\ndescription: !!python/object:os.system {}\n", "not valid YAML"),
        ("name: t\ndescription: .inf\n", "not a JSON number"),
        ("- just\n- a list\n", "is not of type 'object'"),
        ("", "is not of type 'object'"),
        ("name: t\n---\nname: u\n", "not valid YAML"),
    ],
)
def test_bad_yaml(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        read_file(path)
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        read_file(path)


def test_yaml_timestamps_become_iso_strings(runtime):
    doc = parse_text("name: t\nclock: {start: 2024-06-01T09:00:00Z}\n", "x")
    assert doc["clock"]["start"] == "2024-06-01T09:00:00Z"
    runtime.load_scenario(doc)
    assert runtime.clock.describe()["now"] == "2024-06-01T09:00:00Z"


def test_unknown_names_are_refused():
    with pytest.raises(ScenarioError, match="no scenario named 'no-such'"):
        load("no-such")


def test_every_bundled_scenario_is_valid_and_has_steps():
    rows = loader.bundled()
    names = {row["name"] for row in rows}
    assert {"default", "navixy-demo", "navixy-tariff", "navixy-no-session", "navixy-subuser-no-rights",
            "navixy-transient-fault"} <= names
    for row in rows:
        doc = load(row["name"])
        assert doc.get("steps"), f"{row['file']} has no steps"
        assert row["description"].strip()


def test_posting_a_yaml_bomb_to_the_admin_api_is_refused(client, runtime):
    before = runtime.dump_state()
    answer = client.post("/__mock/scenarios", data=billion_laughs(), content_type="application/yaml")
    assert answer.status_code == 413  # expanded, it is over the body limit
    assert "alias bomb" in answer.json["error"]["message"]
    assert runtime.dump_state() == before


def test_posting_a_bad_document_names_the_place(client, runtime):
    answer = client.post("/__mock/scenarios", json=base(faults=[{"when": {"operation": "x.y"}, "respond": {"error": 6}}]))
    assert answer.status_code == 422
    assert any("faults[0].when.operation" in d for d in answer.json["error"]["details"])
    assert runtime.scenario["name"] == "default"


def test_posting_yaml_loads_it(client, runtime):
    text = f"name: posted\nstate:\n  navixy:\n    users: [{{hash: {MASTER}, demo: true}}]\n"
    answer = client.post("/__mock/scenarios", data=text, content_type="application/yaml")
    assert answer.status_code == 200 and answer.json["loaded"] == "posted"
    assert runtime.dump_state()["navixy"]["users"][0]["demo"] is True


def test_the_admin_list_shows_the_configured_folders_before_the_bundled_ones(tmp_path):
    from mockserver import create_app
    from tests.contract import ContractClient

    (tmp_path / "custom-one.yaml").write_text("name: custom-one\ndescription: mine\n")
    (tmp_path / "navixy-demo.yaml").write_text("name: navixy-demo\ndescription: my own demo\n")
    (tmp_path / "broken.yaml").write_text("name: broken\nfaults: 3\n")
    app = create_app(scenario_dirs=(str(tmp_path),))
    app.test_client_class = ContractClient  # the listing is held against its schema
    client = app.test_client()
    rows = client.get("/__mock/scenarios").json["scenarios"]
    by_name = {row["name"]: row for row in rows}
    assert [row["name"] for row in rows][:3] == ["broken", "custom-one", "navixy-demo"]
    assert by_name["custom-one"] == {"name": "custom-one", "description": "mine", "file": str(tmp_path / "custom-one.yaml")}
    assert by_name["broken"]["description"].startswith("not loadable: ")
    # the folder's navixy-demo hides the bundled one, as loading by name does
    assert [row["name"] for row in rows].count("navixy-demo") == 1
    assert by_name["navixy-demo"]["description"] == "my own demo"
    assert "default" in by_name and by_name["default"]["file"] == "default.yaml"
    # every name listed loads (or says why not)
    assert client.post("/__mock/scenarios", json={"name": "custom-one"}).status_code == 200


@pytest.mark.parametrize("text, place", [
    ('name: x\ndescription: "\\ud800"\n', "at description"),
    ('name: x\n"\\udc00": 1\n', "at <top level>"),
])
def test_a_lone_surrogate_is_refused_where_it_stands(text, place):
    # not text: it could never be sent back as JSON
    # libyaml refuses the escape while parsing; the pure-Python parser leaves it to the value check
    with pytest.raises(loader.ScenarioError, match=f"{place}: .*lone surrogate|invalid Unicode character escape"):
        loader.parse_text(text, "doc")


@pytest.mark.parametrize("name", ["a" * 300, "a\x00b"])
def test_a_name_no_file_can_have_is_simply_not_found(name):
    with pytest.raises(loader.ScenarioError, match="no scenario named"):
        loader.find(name)
