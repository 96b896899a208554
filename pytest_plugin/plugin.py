"""The pytest plugin (entry point ``pytest11: mockserver``): fixtures for a live,
resettable, scenario-driven mock of the Navixy and Dellin APIs.

A thin layer over ``mockserver.testing``, where the server, the ``Mock``
handle, the interceptor and the webhook receiver live. It loads in every
pytest run where the package is installed, so this module imports only
pytest and the standard library; the mock itself (Flask, requests, httpx) is
imported inside the fixtures that need it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

MARKER = "mock_scenario"
_SERVER = pytest.StashKey["object"]()
_HANDLE = pytest.StashKey["object"]()


def pytest_addoption(parser) -> None:
    group = parser.getgroup("mockserver", "Navixy/Dellin mock server")
    group.addoption(
        "--mock-url", dest="mock_url", default=None, metavar="URL",
        help="use an external mock (mockserver serve) at URL instead of starting one (ini: mock_url)",
    )
    group.addoption(
        "--mock-scenarios", dest="mock_scenarios", default=None, metavar="DIR",
        help="a folder of scenario files, searched first for scenario names (ini: mock_scenarios)",
    )
    group.addoption(
        "--mock-admin-token", dest="mock_admin_token", default=None, metavar="TOKEN",
        help="X-Mock-Admin-Token for an external mock bound to a non-loopback address (ini: mock_admin_token)",
    )
    group.addoption(
        "--mock-tls", dest="mock_tls", action="store_true", default=None,
        help="serve the mock over HTTPS, with a certificate from a new local CA: mock.ca_bundle is the CA's file "
             "(ini: mock_tls)",
    )
    group.addoption(
        "--mock-tls-name", dest="mock_tls_names", action="append", default=None, metavar="NAME",
        help="another name for that certificate, e.g. api.dellin.ru (repeatable; implies --mock-tls) "
             "(ini: mock_tls_names)",
    )
    group.addoption(
        "--mock-ca-bundle", dest="mock_ca_bundle", default=None, metavar="FILE",
        help="the CA (PEM) of an external HTTPS mock's certificate; by default one on this machine "
             "hands over its own (ini: mock_ca_bundle)",
    )
    parser.addini("mock_url", "URL of an external mock to use instead of starting one", default="")
    parser.addini("mock_scenarios", "a folder of scenario files, searched first for scenario names", default="")
    parser.addini("mock_admin_token", "X-Mock-Admin-Token for an external mock", default="")
    parser.addini("mock_tls", "serve the mock over HTTPS, with a certificate from a new local CA", type="bool",
                  default=False)
    parser.addini("mock_tls_names", "more names for the mock's certificate (implies mock_tls)", type="args",
                  default=[])
    parser.addini("mock_ca_bundle", "the CA (PEM) of an external HTTPS mock's certificate", default="")
    parser.addini("mock_other_hosts", "under mock_intercept, calls to other hosts off this machine: pass or refuse",
                  default="pass")


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name_or_path, seed=None): load this scenario (a bundled name, a name in --mock-scenarios, "
        "a YAML/JSON file, or a dict) into the mock before the test; seed=N seeds the fault rules' random choices",
    )


def pytest_unconfigure(config) -> None:
    server = config.stash.get(_SERVER, None)
    if server is not None:
        server.stop()
        del config.stash[_SERVER]


def _setting(config, name: str) -> str | None:
    return config.getoption(name) or config.getini(name) or None


def scenario_dirs(config) -> list[Path]:
    """``--mock-scenarios``: relative to the directory of the ini file, else the invocation directory."""
    value = config.getoption("mock_scenarios")
    if value:
        return [Path(value).resolve()]
    value = config.getini("mock_scenarios")
    if value:
        base = config.inipath.parent if config.inipath else config.invocation_params.dir
        return [(base / value).resolve()]
    return []


def tls_names(config) -> list[str]:
    """``--mock-tls-name`` (each one), else the ini key ``mock_tls_names``."""
    return list(config.getoption("mock_tls_names") or config.getini("mock_tls_names"))


def wants_tls(config) -> bool:
    """HTTPS was asked for: ``--mock-tls``, ``mock_tls = true``, or a name for the certificate."""
    return bool(config.getoption("mock_tls") or config.getini("mock_tls") or tls_names(config))


def ca_bundle_setting(config) -> str | None:
    """``--mock-ca-bundle``; the ini value is relative to the directory of the ini file."""
    value = config.getoption("mock_ca_bundle")
    if value:
        return str(Path(value).resolve())
    value = config.getini("mock_ca_bundle")
    if value:
        base = config.inipath.parent if config.inipath else config.invocation_params.dir
        return str((base / value).resolve())
    return None


def session_server(config, host: str = "127.0.0.1", port: int = 0):
    """The session's one server (one per xdist worker): started or connected on first use.

    HTTPS or not is chosen here, once for the session: every test shares the server."""
    from mockserver.testing.server import MockServerError, connect_external, start_local

    server = config.stash.get(_SERVER, None)
    if server is None:
        url = _setting(config, "mock_url")
        try:
            if url:
                server = connect_external(url, _setting(config, "mock_admin_token"),
                                          ca_bundle=ca_bundle_setting(config), tls=wants_tls(config))
            else:
                server = start_local(host, port, scenario_dirs(config), tls=wants_tls(config),
                                     tls_names=tls_names(config))
        except MockServerError as exc:
            problem = str(exc)
        else:
            config.stash[_SERVER] = server
            return server
        pytest.fail(problem, pytrace=False)  # outside the handler: the message alone, no exception chain
    return server


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def mock_server_host() -> str:
    """Where ``mock_server`` listens; override to change it."""
    return "127.0.0.1"


@pytest.fixture(scope="session")
def mock_server_port() -> int:
    """The port ``mock_server`` binds; 0 picks a free one (one per xdist worker)."""
    return 0


@pytest.fixture(scope="session")
def mock_server(pytestconfig, mock_server_host, mock_server_port):
    """A live mock for the session: ``.url``, ``.navixy_url``, ``.dellin_url``; ``.app`` when in-process;
    ``.ca_bundle``, the CA's PEM file of an HTTPS mock (``--mock-tls``), else None."""
    return session_server(pytestconfig, mock_server_host, mock_server_port)


@pytest.fixture(scope="session")
def _mock_handle(mock_server, pytestconfig):
    from mockserver.testing.mock import Mock

    handle = Mock(mock_server, scenario_dirs=scenario_dirs(pytestconfig))
    pytestconfig.stash[_HANDLE] = handle
    yield handle
    del pytestconfig.stash[_HANDLE]
    handle.close()


def _session_handle(request):
    """``_mock_handle``, from the stash once the first test has set it up.

    pytest fills every fixture of a test's closure for each test, cached or
    not: asking for the handle this way leaves ``mock`` two fixtures to fill
    (itself and ``request``) instead of seven."""
    handle = request.config.stash.get(_HANDLE, None)
    return handle if handle is not None else request.getfixturevalue("_mock_handle")


def _marker_scenario(request):
    return _marker(request)[0]


def _marker(request):
    """(scenario, seed) from the marker: ``mock_scenario("name", seed=42)``; either may be absent."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return None, None
    seed = marker.kwargs.get("seed")
    if len(marker.args) > 1 or set(marker.kwargs) - {"seed"} or (not marker.args and seed is None) \
            or (seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0)):
        pytest.fail(f"@pytest.mark.{MARKER} takes a scenario name, a file path or a dict, and seed=N "
                    "(a whole number from 0) for the fault rules' random choices", pytrace=False)
    return (marker.args[0] if marker.args else None), seed


def _test_folder(request) -> Path | None:
    path = getattr(request.node, "path", None)
    return Path(path).parent if path else None


@pytest.fixture
def mock(request):
    """The session's mock, reset before this test, with the marker's scenario loaded.

    During the test, ``requests``/``httpx`` calls to ``mock.url`` are answered
    in process when the server runs here over HTTP; other clients, and every
    client of an HTTPS mock (``verify=mock.ca_bundle``), use its socket."""
    scenario, seed = _marker(request)
    session_handle = _session_handle(request)
    with session_handle.prepare(scenario, search_from=_test_folder(request), seed=seed).routed() as handle:
        yield handle


@pytest.fixture
def mock_app(request, pytestconfig):
    """A fresh, isolated mock app for this test (the marker's scenario, else the default)."""
    from mockserver import create_app
    from mockserver.testing.mock import find_scenario_file

    scenario = _marker_scenario(request)
    if scenario is not None and not isinstance(scenario, dict):
        # found as ``mock`` finds it: from the test's folder, then the --mock-scenarios folders
        try:
            path = find_scenario_file(scenario, _test_folder(request), scenario_dirs(pytestconfig))
        except FileNotFoundError as exc:
            path, problem = None, str(exc)
        else:
            problem = None
        if problem:
            pytest.fail(problem, pytrace=False)
        scenario = str(path) if path is not None else str(scenario)
    app = create_app(
        allow_http_webhooks=True,
        scenario=scenario if scenario is not None else "default",
        scenario_dirs=tuple(map(str, scenario_dirs(pytestconfig))),
        seed=_marker(request)[1],
    )
    yield app
    from mockserver.app import runtime_of

    runtime_of(app).close()


@pytest.fixture
def mock_client(mock_app):
    """The Flask test client of ``mock_app``: in-process calls, no socket."""
    return mock_app.test_client()


@pytest.fixture
def mock_intercept(request, mock, mock_server):
    """Routes ``requests``/``httpx``/``aiohttp`` calls to the real base URLs to the same mock as ``mock``.

    In-process when the server runs here (aiohttp over a loopback socket),
    over HTTP or HTTPS alike; over the socket to ``--mock-url`` when it is
    external, checking an HTTPS mock's certificate against ``ca_bundle``.
    With the ini key ``mock_other_hosts = refuse``, a call to another host
    off this machine raises the client library's connection error.
    """
    from mockserver.testing import Interceptor

    other_hosts = request.config.getini("mock_other_hosts").strip().lower()
    if other_hosts not in ("pass", "refuse"):
        raise pytest.UsageError(f"mock_other_hosts must be pass or refuse, not {other_hosts!r}")
    if mock_server.external:
        target, ca_bundle = mock_server.url, mock_server.ca_bundle
    else:
        target, ca_bundle = mock_server.app, None
    with Interceptor(target, other_hosts=other_hosts == "pass", ca_bundle=ca_bundle) as interceptor:
        yield interceptor


@pytest.fixture
def webhook_receiver():
    """A local HTTP server that collects POSTed notifications: ``.url``, ``.received``, ``.wait_for(n)``,
    ``.fail_next(n)``, ``.respond_with(status)``, ``.delay(seconds)``."""
    from mockserver.testing import WebhookReceiver

    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.stop()


# ---------------------------------------------------------------- scenario files as tests
def pytest_collect_file(file_path, parent):
    from .scenario_items import SUFFIXES, ScenarioFile, declares_scenario

    if file_path.suffix in SUFFIXES and declares_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
