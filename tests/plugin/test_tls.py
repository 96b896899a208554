"""An HTTPS mock in the plugin: ``--mock-tls`` (ini ``mock_tls``),
``--mock-tls-name`` (ini ``mock_tls_names``) and ``mock.ca_bundle``, for the
mock the plugin starts and for an external ``mockserver serve --tls``."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..processes import ServeProcess

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"

HANDSHAKE = """
import socket, ssl
from urllib.parse import urlsplit


def handshake(url, ca_bundle, server_name):
    context = ssl.create_default_context(cafile=ca_bundle)
    with socket.create_connection(("127.0.0.1", urlsplit(url).port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name):
            pass
"""


@pytest.mark.live
def test_mock_tls_serves_https_that_clients_verify_with_the_ca_bundle(runner):
    runner.pytester.makepyfile(
        f"""
        import json, ssl, subprocess, sys
        from pathlib import Path

        import httpx, pytest, requests

        READ = "/v2/user/session/delivery/read"
        CREATE = "/v2/user/session/delivery/create"


        def test_ca_bundle_is_the_pem_file_of_the_ca_the_mock_serves(mock, mock_server):
            assert mock.url.startswith("https://127.0.0.1:") and mock.url == mock_server.url
            assert mock.ca_bundle == mock_server.ca_bundle
            pem = Path(mock.ca_bundle).read_text()
            assert pem.startswith("-----BEGIN CERTIFICATE-----")
            assert requests.get(mock.url + "/__mock/tls/ca.pem", verify=mock.ca_bundle).text == pem


        def test_clients_that_trust_the_ca_get_the_answers(mock):
            read = requests.post(mock.url + READ, json={{"hash": "{MASTER}"}}, verify=mock.ca_bundle)
            assert read.json()["status"]["code"] == 201
            with httpx.Client(verify=ssl.create_default_context(cafile=mock.ca_bundle)) as client:
                again = client.post(mock.url + READ, json={{"hash": "{MASTER}"}})
            assert again.json() == read.json()
            mock.assert_called("navixy.delivery.read", times=2)


        def test_the_certificate_is_refused_without_the_ca(mock):
            with pytest.raises(requests.exceptions.SSLError):
                requests.post(mock.url + READ, json={{"hash": "{MASTER}"}})
            with pytest.raises(httpx.ConnectError):
                httpx.post(mock.url + READ, json={{"hash": "{MASTER}"}})
            mock.assert_not_called()


        def test_another_process_reaches_the_same_mock(mock):
            code = (
                "import json, ssl, sys, urllib.request\\n"
                "context = ssl.create_default_context(cafile=sys.argv[2])\\n"
                "request = urllib.request.Request(sys.argv[1], data=json.dumps({{'hash': '{MASTER}'}}).encode(),"
                " headers={{'Content-Type': 'application/json'}})\\n"
                "print(urllib.request.urlopen(request, context=context).read().decode())\\n"
            )
            done = subprocess.run([sys.executable, "-c", code, mock.url + CREATE, mock.ca_bundle],
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            created = json.loads(done.stdout)
            read = requests.post(mock.url + READ, json={{"hash": "{MASTER}"}}, verify=mock.ca_bundle)
            assert read.json()["value"] == created["value"]
            mock.assert_called("navixy.delivery.create", times=1)


        def test_the_real_hosts_are_still_intercepted(mock, mock_intercept):
            created = requests.post("https://api.eu.navixy.com" + CREATE, json={{"hash": "{MASTER}"}})
            read = httpx.post("https://api.us.navixy.com" + READ, json={{"hash": "{MASTER}"}})
            assert read.json()["value"] == created.json()["value"]
            mock.assert_called("navixy.delivery.create", times=1)
        """
    )
    runner.run("--mock-tls").assert_outcomes(passed=5)


@pytest.mark.live
def test_ca_bundle_is_none_over_plain_http(runner):
    runner.pytester.makepyfile(
        """
        def test_plain(mock, mock_server):
            assert mock.url.startswith("http://127.0.0.1:")
            assert mock.ca_bundle is None and mock_server.ca_bundle is None
        """
    )
    runner.run().assert_outcomes(passed=1)


@pytest.mark.live
@pytest.mark.parametrize("how", ["ini", "option"])
def test_the_certificate_covers_the_extra_names(runner, how):
    runner.pytester.makepyfile(
        HANDSHAKE
        + """
import pytest


def test_names(mock):
    for name in ("api.dellin.ru", "api.eu.navixy.com", "localhost", "127.0.0.1"):
        handshake(mock.url, mock.ca_bundle, name)
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(mock.url, mock.ca_bundle, "api.us.navixy.com")
"""
    )
    if how == "ini":  # names alone ask for HTTPS
        runner.pytester.makeini("[pytest]\nmock_tls_names = api.dellin.ru api.eu.navixy.com\n")
        result = runner.run()
    else:
        result = runner.run("--mock-tls-name", "api.dellin.ru", "--mock-tls-name", "api.eu.navixy.com")
    result.assert_outcomes(passed=1)


@pytest.mark.live
def test_the_ini_key_mock_tls(runner):
    runner.pytester.makeini("[pytest]\nmock_tls = true\n")
    runner.pytester.makepyfile(
        """
        from pathlib import Path

        def test_https(mock):
            assert mock.url.startswith("https://")
            assert Path(mock.ca_bundle).is_file()
        """
    )
    runner.run().assert_outcomes(passed=1)


def test_without_trustme_the_test_errors_with_one_clear_message(runner):
    runner.pytester.makeconftest("import sys\nsys.modules['trustme'] = None  # as if not installed\n")
    runner.pytester.makepyfile("def test_it(mock):\n    pass\n")
    result = runner.run("--mock-tls")
    result.assert_outcomes(errors=1)
    assert "--mock-tls (ini: mock_tls) needs trustme: pip install 'navixy-dellin-mockserver[tls]'" in result.outlines


def test_asking_for_https_from_a_plain_http_mock_url_errors(runner):
    runner.pytester.makepyfile("def test_it(mock):\n    pass\n")
    result = runner.run("--mock-tls", "--mock-url", "http://127.0.0.1:9")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--mock-url http://127.0.0.1:9: the suite asks for an HTTPS mock*plain http"])


def test_a_missing_mock_ca_bundle_errors(runner):
    runner.pytester.makepyfile("def test_it(mock):\n    pass\n")
    result = runner.run("--mock-url", "https://127.0.0.1:9", "--mock-ca-bundle", "missing.pem")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"--mock-ca-bundle {runner.pytester.path / 'missing.pem'}: no such file"])


# ---------------------------------------------------------------- an external mockserver serve --tls
@pytest.fixture(scope="module")
def served_tls_mock():
    """``mockserver serve --tls`` in a subprocess: (its URL, the CA file it printed)."""
    with ServeProcess("--tls", "--quiet", "--allow-http-webhooks", timeout=60) as served:
        yield served.url, Path(re.search(r"CA: ([^)]+)\)", served.output[0]).group(1))
        served.stop()  # as Ctrl-C would, so that it removes its certificate's files


@pytest.mark.live
def test_an_external_https_mock_hands_over_its_ca(runner, served_tls_mock):
    url, printed_ca = served_tls_mock
    runner.pytester.makepyfile(
        f"""
        import asyncio
        from pathlib import Path

        import aiohttp, httpx, requests

        READ = "/v2/user/session/delivery/read"


        def test_ca_bundle_is_a_copy_of_the_mocks_ca(mock, mock_server):
            assert mock_server.external and mock.url == "{url}"
            assert Path(mock.ca_bundle).read_bytes() == Path({str(printed_ca)!r}).read_bytes()
            print("CA_BUNDLE", mock.ca_bundle)
            read = requests.post(mock.url + READ, json={{"hash": "{MASTER}"}}, verify=mock.ca_bundle)
            assert read.json()["status"]["code"] == 201
            mock.assert_called("navixy.delivery.read", times=1)  # the admin API, over HTTPS


        async def aiohttp_read():
            async with aiohttp.ClientSession() as session:
                async with session.post("https://api.dellin.ru/v3/auth/login.json", json={{}}) as answer:
                    return answer.status


        def test_interception_checks_the_mock_against_its_ca(mock, mock_intercept):
            assert requests.post("https://api.eu.navixy.com" + READ, json={{"hash": "{MASTER}"}}).status_code == 400
            assert httpx.post("https://api.us.navixy.com" + READ, json={{"hash": "{MASTER}"}}).status_code == 400
            asyncio.run(aiohttp_read())
            assert [call.operation for call in mock.requests] == [
                "navixy.delivery.read", "navixy.delivery.read", "dellin.auth.login"]
        """
    )
    result = runner.run("--mock-url", url, "-s")
    result.assert_outcomes(passed=2)
    fetched = Path(re.search(r"CA_BUNDLE (\S+)", result.stdout.str()).group(1))
    assert fetched != printed_ca and not fetched.exists()  # a copy, removed at the session's end


@pytest.mark.live
def test_mock_ca_bundle_names_the_ca_of_an_external_mock(runner, served_tls_mock, tmp_path):
    import trustme

    url, printed_ca = served_tls_mock
    runner.pytester.makepyfile(
        f"""
        def test_it(mock):
            assert mock.ca_bundle == {str(printed_ca)!r}
        """
    )
    runner.run("--mock-url", url, "--mock-ca-bundle", str(printed_ca)).assert_outcomes(passed=1)

    trustme.CA().cert_pem.write_to_path(str(tmp_path / "other-ca.pem"))
    result = runner.run("--mock-url", url, "--mock-ca-bundle", str(tmp_path / "other-ca.pem"))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*its certificate is not signed by the CA in {tmp_path / 'other-ca.pem'}*"])
