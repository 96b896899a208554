"""``GET /__mock/tls/ca.pem``: the CA that signed the mock's HTTPS certificate.

Clients that verify certificates trust this CA (or the file whose path
``serve --tls`` prints). The PEM is handed to the app by whoever made the
certificate; without one (plain HTTP, or the user's own certificate) the
answer is a 404.
"""
from __future__ import annotations

from flask import current_app

from ..errors import AdminError
from . import operations as ops

# app.extensions key: the CA certificate (PEM bytes) of a certificate made by the mock
CA_PEM = "mockserver.tls_ca_pem"


def publish_ca(app, files) -> None:
    """Serve the CA of ``files`` (a ``tls.TlsFiles``), when the mock made it, at /__mock/tls/ca.pem."""
    if files is not None and files.ca_file is not None:
        app.extensions[CA_PEM] = files.ca_pem()


def ca_certificate():
    pem = current_app.extensions.get(CA_PEM)
    if pem is None:
        raise AdminError("this mock has no CA of its own: it was started without --tls, "
                         "or with --tls-cert (your own certificate)", status=404)
    return current_app.response_class(pem, mimetype=ops.TLS_CA.media_type)


VIEWS = {ops.TLS_CA: ca_certificate}
