"""A differing provider over HTTPS (trustme CA), the mock on a socket, and a
proxy in front of either."""
from __future__ import annotations

import pytest
import trustme

from mockserver.app import create_app
from mockserver.contract.proxy import ContractProxy
from mockserver.server import ThreadedServer

from .provider import DifferingProvider, HttpsServer


@pytest.fixture(scope="session")
def ca():
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def provider(ca):
    """The differing provider: ``.url`` (https), ``.app.requests``."""
    app = DifferingProvider()
    with HttpsServer(app, ca) as server:
        server.app = app
        yield server


@pytest.fixture
def mock_server():
    with ThreadedServer(create_app(allow_http_webhooks=True)) as server:
        yield server


def start_proxy(target: str, **options):
    proxy = ContractProxy(target, **options)
    server = ThreadedServer(proxy)
    proxy.listening_on(server.host)
    server.proxy = proxy
    return server


@pytest.fixture
def provider_proxy(provider, ca_file):
    with start_proxy(provider.url, ca_bundle=ca_file) as server:
        yield server


@pytest.fixture
def mock_proxy(mock_server):
    with start_proxy(mock_server.url) as server:
        yield server
