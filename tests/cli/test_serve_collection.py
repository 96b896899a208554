"""``serve`` runs no garbage collection while it starts, and collects again
once it is ready: a long-running server must free cyclic garbage."""
import gc

from mockserver import server
from mockserver.cli import main


def test_collection_is_off_while_starting_and_back_on_once_ready(monkeypatch):
    seen = {}

    def fake_serve(app, host, port, *, on_ready=None, on_stop=None, **options):
        seen["while_starting"] = gc.isenabled()
        on_ready(host, 8080)
        seen["once_ready"] = gc.isenabled()
        on_stop()

    monkeypatch.setattr(server, "serve", fake_serve)
    try:
        assert main(["serve", "--quiet"]) == 0
    finally:
        # what start-up froze stays out of this test process's collections otherwise
        gc.unfreeze()
        gc.enable()
    assert seen == {"while_starting": False, "once_ready": True}


def test_collection_is_back_on_when_serve_fails_to_start():
    assert main(["serve", "--scenario", "no-such-scenario"]) == 2
    assert gc.isenabled()
