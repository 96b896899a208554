"""The CA a test trusts an HTTPS mock with: a PEM file for ``verify=``, and
the SSL context the interceptor verifies a forwarded call with.

A mock the plugin starts hands over the CA it made. An external one (``serve
--tls``) serves its CA at ``/__mock/tls/ca.pem``; that file is fetched only
from a mock on this machine, where no one can stand between the suite and
the mock, and saved to a file of its own. For a mock elsewhere, the CA is
given (``--mock-ca-bundle``) or is one the system already trusts.
"""
from __future__ import annotations

import os
import ssl
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from ..apis import ADMIN_PREFIX, ADMIN_TOKEN_HEADER

CA_PATH = ADMIN_PREFIX + "/tls/ca.pem"
PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"


def served_ca(url: str, admin_token: str | None = None, timeout: float = 10) -> Path | None:
    """The CA the HTTPS mock at ``url`` serves, saved to a new file; None when
    the mock is not on this machine, serves no CA of its own or does not answer."""
    from ..server import is_loopback

    parts = urlsplit(url)
    if parts.scheme != "https" or not is_loopback(parts.hostname or ""):
        return None
    # the CA is what the mock's certificate is checked against, so it cannot be checked yet
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    # a mock on this machine is reached directly, whatever proxy the environment names
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=unverified))
    request = urllib.request.Request(url.rstrip("/") + CA_PATH,
                                     headers={ADMIN_TOKEN_HEADER: admin_token} if admin_token else {})
    try:
        with opener.open(request, timeout=timeout) as answer:
            pem = answer.read()
    except (OSError, urllib.error.URLError):  # HTTPError (a 404: the user's own certificate) included
        return None
    if not pem.lstrip().startswith(PEM_CERTIFICATE):
        return None
    handle, name = tempfile.mkstemp(prefix="mockserver-ca-", suffix=".pem")
    with os.fdopen(handle, "wb") as file:
        file.write(pem)
    return Path(name)


def verifying_context(ca_bundle: str | None) -> ssl.SSLContext | None:
    """An SSL context that trusts ``ca_bundle``, for httpx and aiohttp; None without one."""
    return ssl.create_default_context(cafile=ca_bundle) if ca_bundle else None
