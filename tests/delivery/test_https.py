"""A trustme HTTPS receiver with http webhooks not allowed: the https rule for real."""
import ssl

import pytest
import trustme

from mockserver.testing import WebhookReceiver

from .helpers import EVENT, ORDER, check_notifications, dellin, make_app, trigger

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def https_receiver(ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with WebhookReceiver(ssl_context=context) as hook:
        yield hook


@pytest.fixture
def ca_bundle(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def subscribe(client, url: str):
    return dellin(client, "/v1/webhooks/update", url=url, orderRoles=["sender"], eventTypes=[EVENT])


def test_https_receiver_verified_with_the_configured_ca_bundle(https_receiver, ca_bundle):
    assert https_receiver.url.startswith("https://")
    app, runtime, client = make_app(allow_http_webhooks=False, webhook_ca_bundle=ca_bundle)

    # the same receiver over http is refused: only https is allowed
    plain = subscribe(client, https_receiver.url.replace("https://", "http://"))
    assert plain.status_code == 400, plain.json
    assert plain.json["errors"][0]["fields"] == ["url"]

    created = subscribe(client, https_receiver.url)
    assert created.status_code == 200, created.json
    sub_id = created.json["data"]["id"]
    added = dellin(client, f"/v1/webhooks/{sub_id}/orders/add", orderNumbers=[ORDER])
    assert added.status_code == 200, added.json

    [attempt] = trigger(client)
    assert (attempt["outcome"], attempt["status"], attempt["url"]) == ("delivered", 200, https_receiver.url)
    [body] = check_notifications(https_receiver)
    assert body["subscriptionId"] == sub_id


def test_a_certificate_the_mock_does_not_trust_is_a_tls_failure(https_receiver):
    app, runtime, client = make_app(allow_http_webhooks=False)  # no CA bundle: the system's trust store
    created = subscribe(client, https_receiver.url)
    assert created.status_code == 200, created.json
    sub_id = created.json["data"]["id"]
    dellin(client, f"/v1/webhooks/{sub_id}/orders/add", orderNumbers=[ORDER])

    [attempt] = trigger(client)
    assert (attempt["outcome"], attempt["status"], attempt["error"]) == ("failed", None, "tls_error")
    assert attempt["subscription_state"] == "error"
    assert https_receiver.received == []  # the handshake failed: nothing was posted
