"""The fixtures, the marker and reset isolation, run through pytester."""
from __future__ import annotations

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def test_registration_marker_and_options_are_listed(runner):
    result = runner.run("--markers")
    result.stdout.fnmatch_lines(["*@pytest.mark.mock_scenario(name_or_path, seed=None)*"])
    result = runner.run("--help")
    result.stdout.fnmatch_lines(["*--mock-url=URL*", "*--mock-scenarios=DIR*"])


def test_plugin_module_imports_no_heavy_library(pytester):
    code = (
        "import sys, pytest_plugin.plugin, mockserver, mockserver.testing\n"
        "heavy = [m for m in ('flask', 'requests', 'httpx', 'mockserver.app', 'werkzeug') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    import sys

    from .conftest import REPO

    result = pytester.run(sys.executable, "-c", f"import sys; sys.path.insert(0, {str(REPO)!r})\n" + code)
    result.stdout.fnmatch_lines(["HEAVY []"])


def test_mock_server_exposes_its_urls(runner):
    runner.pytester.makepyfile(
        """
        import requests

        def test_urls(mock_server):
            assert mock_server.url.startswith("http://127.0.0.1:")
            assert mock_server.navixy_url == mock_server.url + "/v2"
            assert mock_server.dellin_url == mock_server.url
            assert requests.get(mock_server.url + "/__mock/health").json() == {"status": "ok"}

        def test_same_server_for_the_session(mock_server, mock):
            assert mock.url == mock_server.url
        """
    )
    runner.run().assert_outcomes(passed=2)


def test_state_journal_and_clock_are_reset_between_tests(runner):
    runner.pytester.makepyfile(
        f"""
        import requests

        def test_first_changes_everything(mock):
            r = requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            assert r.status_code == 200
            mock.advance_clock("1h")
            assert mock.clock()["now"] == "2024-06-01T10:00:00Z"
            assert len(mock.requests) == 1

        def test_second_sees_the_initial_state(mock):
            r = requests.post(mock.navixy_url + "/user/session/delivery/read", json={{"hash": "{MASTER}"}})
            assert r.json()["status"]["code"] == 201
            assert mock.clock()["now"] == "2024-06-01T09:00:00Z"
            assert [c.operation for c in mock.requests] == ["navixy.delivery.read"]
        """
    )
    runner.run("-p", "no:randomly").assert_outcomes(passed=2)


def test_marker_loads_a_name_a_file_or_a_document_and_the_next_test_is_back_to_default(runner):
    runner.pytester.path.joinpath("scenarios").mkdir()
    runner.pytester.path.joinpath("scenarios", "only_demo.yaml").write_text(
        "name: only_demo\n"
        "state:\n"
        "  navixy:\n"
        "    users:\n"
        "      - hash: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
        "        demo: true\n"
    )
    runner.pytester.makepyfile(
        f"""
        import pytest, requests

        def create(mock, hash):
            return requests.post(mock.navixy_url + "/user/session/delivery/create", json={{"hash": hash}}).json()

        @pytest.mark.mock_scenario("scenarios/only_demo.yaml")
        def test_file_relative_to_the_test(mock):
            assert create(mock, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")["success"] is True
            assert create(mock, "{MASTER}")["status"]["code"] == 4

        @pytest.mark.mock_scenario("only_demo")
        def test_name_found_in_mock_scenarios(mock):
            assert create(mock, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")["success"] is True

        @pytest.mark.mock_scenario({{"name": "inline", "state": {{"navixy": {{"users": [{{"hash": "b" * 32}}]}}}}}})
        def test_document(mock):
            assert create(mock, "b" * 32)["success"] is True

        def test_unmarked_after_marked_gets_the_default_scenario(mock):
            assert create(mock, "{MASTER}")["success"] is True
            assert create(mock, "b" * 32)["status"]["code"] == 4

        def test_load_scenario_at_run_time(mock):
            mock.load_scenario({{"name": "x", "state": {{"navixy": {{"users": [{{"hash": "c" * 32, "tariff_features": []}}]}}}}}})
            assert create(mock, "c" * 32)["status"]["code"] == 236
        """
    )
    runner.run("--mock-scenarios", "scenarios").assert_outcomes(passed=5)


def test_module_level_marker_and_ini_scenario_folder(runner):
    runner.pytester.makeini("[pytest]\nmock_scenarios = my_scenarios\n")
    runner.pytester.path.joinpath("my_scenarios").mkdir()
    runner.pytester.path.joinpath("my_scenarios", "tariff.yaml").write_text(
        "name: tariff\nstate: {navixy: {users: [{hash: dddddddddddddddddddddddddddddddd, tariff_features: []}]}}\n"
    )
    runner.pytester.makepyfile(
        """
        import pytest, requests

        pytestmark = pytest.mark.mock_scenario("tariff")

        def test_one(mock):
            r = requests.get(mock.navixy_url + "/user/session/delivery/create", params={"hash": "d" * 32})
            assert r.status_code == 402 and r.json()["status"]["code"] == 236
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_a_bad_scenario_is_reported_with_the_file_and_the_problem(runner):
    runner.pytester.path.joinpath("broken.yaml").write_text("name: broken\nstate: {navixy: {users: [{master: true}]}}\n")
    runner.pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mock_scenario("broken.yaml")
        def test_never_runs(mock):
            pass

        @pytest.mark.mock_scenario("no_such_scenario")
        def test_unknown_name(mock):
            pass
        """
    )
    result = runner.run()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*broken.yaml*hash*", "*no_such_scenario*"])


def test_mock_app_and_mock_client_are_isolated_per_test(runner):
    runner.pytester.makepyfile(
        f"""
        import pytest

        def test_first(mock_client):
            assert mock_client.post("/v2/user/session/delivery/create", json={{"hash": "{MASTER}"}}).status_code == 200
            assert mock_client.post("/v2/user/session/delivery/read", json={{"hash": "{MASTER}"}}).status_code == 200

        def test_second(mock_app, mock_client):
            from mockserver.app import runtime_of
            assert runtime_of(mock_app).config.allow_http_webhooks is True
            assert mock_client.post("/v2/user/session/delivery/read", json={{"hash": "{MASTER}"}}).json["status"]["code"] == 201

        @pytest.mark.mock_scenario({{"name": "t", "state": {{"navixy": {{"users": [{{"hash": "e" * 32, "demo": True}}]}}}}}})
        def test_marker_applies_to_mock_app(mock_client):
            assert mock_client.get("/v2/user/session/delivery/create?hash=" + "e" * 32).status_code == 200
            assert mock_client.get("/v2/user/session/delivery/create?hash=" + "e" * 32).json["status"]["code"] == 101
        """
    )
    runner.run("-p", "no:randomly").assert_outcomes(passed=3)


def test_advance_clock_accepts_seconds_and_durations(runner):
    runner.pytester.makepyfile(
        """
        from datetime import timedelta

        import pytest

        def test_clock(mock):
            mock.advance_clock(seconds=60)
            mock.advance_clock("20m")
            mock.advance_clock(by="1h")
            mock.advance_clock(timedelta(minutes=4))
            assert mock.clock()["now"] == "2024-06-01T10:25:00Z"
            with pytest.raises(TypeError):
                mock.advance_clock()
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_state_is_the_admin_api_dump(runner):
    runner.pytester.makepyfile(
        f"""
        import requests

        def test_state(mock):
            assert mock.state() == requests.get(mock.url + "/__mock/state").json()
            users = {{u["hash"]: u for u in mock.state()["navixy"]["users"]}}
            assert users["{MASTER}"]["master"] is True
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_a_bind_failure_errors_the_test_with_a_clear_message(runner):
    runner.pytester.makeconftest(
        """
        import socket
        import pytest

        @pytest.fixture(scope="session")
        def mock_server_port():
            taken = socket.socket()
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            yield taken.getsockname()[1]
            taken.close()
        """
    )
    runner.pytester.makepyfile(
        """
        def test_needs_the_server(mock):
            pass
        """
    )
    result = runner.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the mock_server fixture cannot listen on 127.0.0.1:*Address already in use*"])
    # said once in the error report, without the exception chain behind it; the
    # short summary may repeat it, depending on the terminal's width
    output = result.stdout.str()
    report = output.split("short test summary info")[0]
    assert report.count("cannot listen on") == 1, output
    assert "MockServerError" not in output and "During handling" not in output


def test_a_scenario_file_item_uses_the_overridden_server_even_when_it_runs_first(runner):
    runner.pytester.makeconftest(
        """
        import socket
        import pytest

        @pytest.fixture(scope="session")
        def mock_server_port():
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.close()
            return port
        """
    )
    runner.pytester.makefile(".yaml", a_scenario="name: first\nsteps:\n  - advance_clock: 1m\n")
    runner.pytester.makepyfile(
        test_z_port="""
        def test_port(mock_server, request):
            assert mock_server.url.endswith(":" + str(request.getfixturevalue("mock_server_port")))
        """
    )
    runner.run("-p", "no:randomly").assert_outcomes(passed=2)


def test_mock_app_finds_a_path_marker_as_mock_does(runner):
    runner.pytester.mkdir("sub")
    (runner.pytester.path / "sub" / "tiny.yaml").write_text(
        "name: tiny\nstate:\n  navixy:\n    users:\n      - {hash: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}\n"
    )
    (runner.pytester.path / "sub" / "test_app_path.py").write_text(
        "from pathlib import Path\n"
        "import pytest\n\n"
        "@pytest.mark.mock_scenario(Path('tiny.yaml'))\n"
        "def test_app(mock_client):\n"
        "    answer = mock_client.post('/v2/user/session/delivery/read', json={'hash': 'a' * 32})\n"
        "    assert answer.get_json()['status']['code'] == 201  # the scenario's user, no session yet\n\n"
        "@pytest.mark.mock_scenario('nowhere.yaml')\n"
        "def test_missing(mock_app):\n"
        "    pass\n"
    )
    result = runner.run()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*scenario file 'nowhere.yaml' not found*"])


def test_add_fault_returns_the_stored_rule(runner):
    runner.pytester.makepyfile(
        """
        def test_rule(mock):
            rule = mock.add_fault(when={"operation": "navixy.delivery.read"}, respond={"error": 8})
            assert rule.id == 1 and rule.respond == {"error": 8}
            both = mock.add_fault([{"when": {"api": "navixy"}, "delay_ms": 1}, {"when": {"api": "dellin"}, "delay_ms": 1}])
            assert [r.id for r in both] == [2, 3]
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_mock_answers_its_own_url_in_process_and_other_clients_over_its_socket(runner):
    runner.pytester.makeconftest(
        """
        import threading

        import pytest


        @pytest.fixture
        def answering_threads(mock_server):
            '''The thread that answered each call to the mock: this one (in process) or a server's.'''
            app, seen = mock_server.app, []
            inner = app.wsgi_app

            def recording(environ, start_response):
                seen.append(threading.get_ident() == threading.main_thread().ident and "in process" or "socket")
                return inner(environ, start_response)

            app.wsgi_app = recording
            yield seen
            app.wsgi_app = inner
        """
    )
    runner.pytester.makepyfile(
        f"""
        import json, urllib.request

        import httpx, pytest, requests

        CREATE = "/user/session/delivery/create"

        def test_inside_mock(mock, answering_threads):
            created = requests.post(mock.navixy_url + CREATE, json={{"hash": "{MASTER}"}}).json()["value"]
            with httpx.Client() as client:
                assert client.get(mock.url + "/__mock/health").json() == {{"status": "ok"}}
            with urllib.request.urlopen(mock.url + "/__mock/state") as answer:
                users = {{u["hash"]: u for u in json.load(answer)["navixy"]["users"]}}
            assert users["{MASTER}"]["delivery_session"] == created
            assert answering_threads == ["in process", "in process", "socket"]
            # a delay fault still meets the client's read timeout
            mock.add_fault(when={{"operation": "navixy.delivery.read"}}, delay_ms=60_000)
            with pytest.raises(requests.exceptions.ReadTimeout):
                requests.post(mock.navixy_url + "/user/session/delivery/read", json={{"hash": "{MASTER}"}},
                              timeout=(30, 0.2))

        def test_without_mock_everything_goes_over_the_socket(mock_server, answering_threads):
            assert requests.get(mock_server.url + "/__mock/health").ok
            assert answering_threads == ["socket"]
        """
    )
    runner.run("-p", "no:randomly").assert_outcomes(passed=2)


def test_mock_intercept_fixture_shares_the_mock_state(runner):
    runner.pytester.makepyfile(
        f"""
        import httpx, requests

        def test_through_the_real_urls(mock, mock_intercept):
            r = requests.post("https://api.eu.navixy.com/v2/user/session/delivery/create", json={{"hash": "{MASTER}"}})
            assert r.status_code == 200
            assert mock_intercept.in_process
            mock.assert_called("navixy.delivery.create", times=1)
            users = {{u["hash"]: u for u in mock.state()["navixy"]["users"]}}
            assert users["{MASTER}"]["delivery_session"] == r.json()["value"]

        def test_reset_applies(mock_intercept):
            r = httpx.get("https://api.eu.navixy.com/v2/user/session/delivery/read", params={{"hash": "{MASTER}"}})
            assert r.json()["status"]["code"] == 201
        """
    )
    runner.run("-p", "no:randomly").assert_outcomes(passed=2)
