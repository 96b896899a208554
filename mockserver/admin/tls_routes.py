"""``GET /__mock/tls/ca.pem``: the CA that signed the mock's HTTPS certificate.

Clients that verify certificates trust this CA (or the file whose path
``serve --tls`` prints). The PEM is handed to the app by whoever made the
certificate; without one (plain HTTP, or the user's own certificate) the
answer is a 404.
"""
from __future__ import annotations

from flask import Blueprint, current_app

from ..errors import AdminError
from ..web import register
from .operations import admin_operation

# app.extensions key: the CA certificate (PEM bytes) of a certificate made by the mock
CA_PEM = "mockserver.tls_ca_pem"

CA = admin_operation("tls.ca", "/tls/ca.pem", ["GET"],
                     "The CA certificate (PEM) that signed this mock's HTTPS certificate (serve --tls)",
                     media_type="application/x-pem-file")
OPERATIONS = (CA,)


def ca_certificate():
    pem = current_app.extensions.get(CA_PEM)
    if pem is None:
        raise AdminError("this mock has no CA of its own: it was started without --tls, "
                         "or with --tls-cert (your own certificate)", status=404)
    return current_app.response_class(pem, mimetype=CA.media_type)


def blueprint() -> Blueprint:
    bp = Blueprint("admin_tls", __name__)
    register(bp, CA, ca_certificate)
    return bp
