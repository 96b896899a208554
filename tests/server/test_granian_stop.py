"""Stopping granian returns only once granian has let go of the app.

Granian's threads drop their Python objects a moment after the port closes.
A Rust thread that takes the GIL while the interpreter finalizes is ended by
CPython in a way that aborts the process (SIGABRT), so a process that exits
right after ``stop()`` (``mockserver serve`` or ``proxy`` on SIGTERM, a pytest
session) must find nothing of granian's still holding Python objects."""
import weakref

import pytest
import requests

from mockserver import create_app
from mockserver import server_granian
from mockserver.server import ThreadedServer

pytestmark = pytest.mark.live
# the release races the port closing: a few stops in a row give it room to show
STOPS = 30


def test_after_stop_granian_holds_no_reference_to_the_app(monkeypatch):
    callbacks = []
    build = server_granian.wsgi_callback

    def tracked(app):
        callback = build(app)
        callbacks.append(weakref.ref(callback))
        return callback

    monkeypatch.setattr(server_granian, "wsgi_callback", tracked)
    app = create_app()
    for _ in range(STOPS):
        with ThreadedServer(app, server="granian") as server:
            with requests.Session() as session:
                for _ in range(3):
                    session.post(server.url + "/v2/user/session/delivery/read", json={"hash": "x"}, timeout=10)
        assert callbacks[-1]() is None
    assert len(callbacks) == STOPS
