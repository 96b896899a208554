"""The mock's own per-request steps run first; hooks that others register on
the app (before, after, teardown, after_this_request) still run."""
from flask import after_this_request, session

from mockserver import create_app

READ = "/v2/user/session/delivery/read"
HASH = "66666666666666666666666666666666"


def test_hooks_registered_by_others_still_run_after_the_mocks_steps():
    app = create_app()
    seen = []

    @app.before_request
    def before():
        seen.append(("before", app.extensions["mockserver"].journal.__len__()))

    @app.after_request
    def after(response):
        response.headers["X-Seen"] = "yes"
        seen.append(("after", response.status_code))
        return response

    answer = app.test_client().post(READ, json={"hash": HASH})
    assert answer.status_code == 200 and answer.headers["X-Seen"] == "yes"
    assert seen == [("before", 0), ("after", 200)]
    assert len(app.extensions["mockserver"].journal) == 1


def test_after_this_request_and_the_null_session():
    app = create_app()
    sessions = []

    @app.route("/v2/extra", methods=["POST"])
    def extra():
        sessions.append(session._get_current_object())

        @after_this_request
        def mark(response):
            response.headers["X-Later"] = "1"
            return response

        return {"success": True}

    client = app.test_client()
    assert client.post("/v2/extra").headers["X-Later"] == "1"
    client.post("/v2/extra")
    assert sessions[0] is sessions[1]  # one shared null session, never written


def test_teardown_functions_and_the_teardown_signal_still_run():
    from flask import request_tearing_down

    plain, hooked = create_app(), create_app()
    signalled, torn_down = [], []

    @hooked.teardown_request
    def teardown(exc):
        torn_down.append(exc)

    def on_teardown(sender, exc=None, **extra):
        signalled.append((sender, exc))

    request_tearing_down.connect(on_teardown)
    try:
        plain.test_client().post(READ, json={"hash": HASH})
        hooked.test_client().post(READ, json={"hash": HASH})
    finally:
        request_tearing_down.disconnect(on_teardown)
    assert signalled == [(plain, None), (hooked, None)]
    assert torn_down == [None]


def test_a_failure_after_the_view_is_the_apis_unexpected_error_not_a_bad_request():
    # Flask wraps it in a 500 HTTPException; it must not be worded as the client's fault
    app = create_app()

    @app.after_request
    def broken(response):
        raise RuntimeError("a hook failed")

    navixy = app.test_client().post(READ, json={"hash": HASH})
    assert navixy.status_code == 500
    assert navixy.get_json()["status"]["code"] == 6
    dellin = app.test_client().post("/v1/webhooks", json={})
    assert dellin.status_code == 500
    assert dellin.get_json()["errors"][0]["code"] == 100006
