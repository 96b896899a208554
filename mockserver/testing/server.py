"""A mock to test against: started in this process, or an external one by URL."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..apis import ADMIN_PREFIX

# the scenario every test starts from when it names none
BASE_SCENARIO = "default"


class MockServerError(RuntimeError):
    """The mock server could not be started or reached."""


@dataclass
class MockServer:
    """What the ``mock_server`` fixture returns.

    ``app`` is the Flask app when the server runs in this process, and None
    when ``--mock-url`` names an external one.
    """

    url: str
    app: object | None = None
    admin_token: str | None = None
    _threaded: object | None = field(default=None, repr=False)
    # True when a scenario other than the base one may be loaded: the next
    # test must load the base scenario instead of a plain reset
    base_scenario_dirty: bool = field(default=False, repr=False)

    @property
    def external(self) -> bool:
        return self.app is None

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


def start_local(host: str = "127.0.0.1", port: int = 0, scenario_dirs=()) -> MockServer:
    """Build the app and bind in this thread, so a bind error is raised here."""
    from .. import create_app
    from ..server import ThreadedServer

    app = create_app(allow_http_webhooks=True, scenario=BASE_SCENARIO, scenario_dirs=tuple(map(str, scenario_dirs)))
    try:
        threaded = ThreadedServer(app, host=host, port=port)
    except OSError as exc:
        raise MockServerError(
            f"the mock_server fixture {exc.strerror or exc}. "
            "Override the mock_server_host / mock_server_port fixtures, or pass --mock-url "
            "to use a mock that is already running."
        ) from exc
    return MockServer(url=threaded.url, app=app, _threaded=threaded)


def connect_external(url: str, admin_token: str | None = None) -> MockServer:
    """Check that an external mock answers ``/__mock/health`` before any test uses it."""
    from .admin import AdminClient, MockAdminError

    url = url.rstrip("/")
    client = AdminClient(url, admin_token, timeout=10)
    try:
        client.health()
    except MockAdminError as exc:
        # "the mock does not answer: ..." alone when nothing answered
        raise MockServerError(f"--mock-url {url}: {exc.message if exc.status == 0 else exc}") from exc
    finally:
        client.close()
    # its loaded scenario is unknown: the first test loads the base one
    return MockServer(url=url, admin_token=admin_token, base_scenario_dirty=True)
