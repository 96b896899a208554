"""A mock to test against: started in this process, or an external one by URL;
over HTTP, or HTTPS with the CA a client trusts it with (``ca_bundle``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..apis import ADMIN_PREFIX

# the scenario every test starts from when it names none
BASE_SCENARIO = "default"


class MockServerError(RuntimeError):
    """The mock server could not be started or reached."""


@dataclass
class MockServer:
    """What the ``mock_server`` fixture returns.

    ``app`` is the Flask app when the server runs in this process, and None
    when ``--mock-url`` names an external one. ``ca_bundle`` is the path of a
    PEM file with the CA that signed an HTTPS mock's certificate, for
    ``verify=``; None over plain HTTP, or when the system's CAs trust it.
    """

    url: str
    app: object | None = None
    admin_token: str | None = None
    ca_bundle: str | None = None
    _threaded: object | None = field(default=None, repr=False)
    _discard: Callable[[], None] | None = field(default=None, repr=False)  # removes the CA's file
    # True when a scenario other than the base one may be loaded: the next
    # test must load the base scenario instead of a plain reset
    base_scenario_dirty: bool = field(default=False, repr=False)

    @property
    def external(self) -> bool:
        return self.app is None

    @property
    def tls(self) -> bool:
        return self.url.startswith("https://")

    @property
    def navixy_url(self) -> str:
        return self.url + "/v2"

    @property
    def dellin_url(self) -> str:
        return self.url

    @property
    def admin_url(self) -> str:
        return self.url + ADMIN_PREFIX

    def stop(self) -> None:
        if self._threaded is not None:
            self._threaded.stop()  # closes keep-alive connections in the serving thread
            self._threaded = None
        if self._discard is not None:
            self._discard()
            self._discard = None


def start_local(host: str = "127.0.0.1", port: int = 0, scenario_dirs=(), *, tls: bool = False,
                tls_names=()) -> MockServer:
    """Build the app and bind in this thread, so a bind error is raised here.

    ``tls`` serves HTTPS with a certificate from a new local CA, for the local
    names, ``host`` and ``tls_names``; the CA is served at /__mock/tls/ca.pem too."""
    from .. import create_app
    from ..admin.tls_routes import publish_ca
    from ..server import ThreadedServer

    files = _certificate(host, tls_names) if tls else None
    app = create_app(allow_http_webhooks=True, scenario=BASE_SCENARIO, scenario_dirs=tuple(map(str, scenario_dirs)))
    publish_ca(app, files)
    try:
        threaded = ThreadedServer(app, host=host, port=port, tls=files, on_demand=True)
    except OSError as exc:
        if files is not None:
            files.discard()
        raise MockServerError(
            f"the mock_server fixture {exc.strerror or exc}. "
            "Override the mock_server_host / mock_server_port fixtures, or pass --mock-url "
            "to use a mock that is already running."
        ) from exc
    return MockServer(url=threaded.url, app=app, ca_bundle=str(files.ca_file) if files else None,
                      _threaded=threaded, _discard=files.discard if files else None)


def _certificate(host: str, tls_names):
    from .. import tls

    try:
        return tls.make_certificate(tls.names_for(tls_names, host=host), needed_by="--mock-tls (ini: mock_tls)")
    except tls.TlsError as exc:
        raise MockServerError(str(exc)) from None


def connect_external(url: str, admin_token: str | None = None, *, ca_bundle: str | None = None,
                     tls: bool = False) -> MockServer:
    """Check that an external mock answers ``/__mock/health`` before any test uses it.

    Over HTTPS its certificate is checked against ``ca_bundle``; without one,
    against the CA a mock on this machine serves (see ``ca_bundle``), else the
    system's. ``tls`` refuses a plain-http URL: the suite asked for HTTPS."""
    from .admin import AdminClient, MockAdminError
    from .ca_bundle import served_ca

    url = url.rstrip("/")
    https = urlsplit(url).scheme == "https"
    if tls and not https:
        raise MockServerError(f"--mock-url {url}: the suite asks for an HTTPS mock (--mock-tls, mock_tls "
                              "or mock_tls_names), and this URL is plain http")
    if https and ca_bundle is not None and not Path(ca_bundle).is_file():
        raise MockServerError(f"--mock-ca-bundle {ca_bundle}: no such file")
    fetched = served_ca(url, admin_token) if https and ca_bundle is None else None
    if fetched is not None:
        ca_bundle = str(fetched)
    client = AdminClient(url, admin_token, timeout=10, ca_bundle=ca_bundle if https else None)
    try:
        client.health()
    except MockAdminError as exc:
        if fetched is not None:
            fetched.unlink(missing_ok=True)
        raise MockServerError(f"--mock-url {url}: {_why_unanswered(exc, ca_bundle)}") from exc
    finally:
        client.close()
    # its loaded scenario is unknown: the first test loads the base one
    return MockServer(url=url, admin_token=admin_token, ca_bundle=ca_bundle if https else None,
                      base_scenario_dirty=True,
                      _discard=(lambda: fetched.unlink(missing_ok=True)) if fetched is not None else None)


def _why_unanswered(exc, ca_bundle: str | None) -> str:
    """The admin client's message alone when nothing answered; with what to do when the certificate was refused."""
    import requests

    if exc.status != 0:
        return str(exc)
    if isinstance(exc.__cause__, requests.exceptions.SSLError):
        trusted = f"the CA in {ca_bundle}" if ca_bundle else "the system's CAs"
        return (f"{exc.message}\nits certificate is not signed by {trusted}: pass --mock-ca-bundle FILE "
                "(ini: mock_ca_bundle), the CA file that mockserver serve --tls prints")
    return exc.message
