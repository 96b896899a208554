"""The access log: one line per call from the WSGI environ, credentials masked, written in batches."""
import io

import pytest

from mockserver import create_app
from mockserver.access_log import AccessLog, masked_query
from mockserver.app import ACCESS_LOG


@pytest.mark.parametrize("query, shown", [
    ("hash=abc", "hash=***"),
    ("HASH=abc&x=1", "HASH=***&x=1"),
    ("x=1&appkey=k&sessionID=s&password=p&login=l", "x=1&appkey=***&sessionID=***&password=***&login=***"),
    ("h%61sh=abc", "h%61sh=***"),  # an encoded name is still the parameter the app reads
    ("hash", "hash"),  # no value, nothing to hide
    ("", ""),
    ("hashes=1", "hashes=1"),
])
def test_credentials_in_the_query_are_masked(query, shown):
    assert masked_query(query) == shown


def environ(**extra):
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/v2/x", "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1", **extra}


def test_a_line_per_call_written_on_flush():
    stream = io.StringIO()
    log = AccessLog(stream, flush_seconds=3600)
    try:
        log.record(environ(QUERY_STRING="hash=0123&a=b"), 200, 1.25)
        log.record(environ(PATH_INFO='/a b"\n', REQUEST_METHOD="POST"), 404, 0.5)
    finally:
        log.close()  # flushes what is queued
    first, second = stream.getvalue().splitlines()
    assert first.endswith(' mockserver.access 127.0.0.1 "GET /v2/x?hash=***&a=b" 200 1.2ms')
    assert second.endswith(' "POST /a%20b%22%0A" 404 0.5ms')  # nothing that could forge a line


def test_the_app_logs_each_call_when_the_access_log_is_on(capsys):
    app = create_app(access_log=True)
    client = app.test_client()
    assert client.get("/v2/user/session/delivery/read", query_string={"hash": "secret-hash"}).status_code
    app.extensions[ACCESS_LOG].close()
    err = capsys.readouterr().err
    assert '"GET /v2/user/session/delivery/read?hash=***"' in err
    assert "secret-hash" not in err


def test_no_access_log_by_default():
    assert ACCESS_LOG not in create_app().extensions
