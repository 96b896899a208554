"""Certificates for serving HTTPS: a throwaway CA made with trustme, or the user's own pair.

trustme (and the cryptography package beneath it) is imported only when a
certificate is made: install it with the ``tls`` extra.
"""
from __future__ import annotations

import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

# names every made certificate covers, so local clients verify it as they connect
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
INSTALL_HINT = "pip install 'navixy-dellin-mockserver[tls]'"


class TlsError(ValueError):
    """A certificate that cannot be made or used; the message is one line for the user."""


@dataclass(frozen=True)
class TlsFiles:
    """What the server needs: a certificate chain and its key; and, when made here, the CA."""

    cert_file: Path
    key_file: Path
    ca_file: Path | None = None
    directory: Path | None = None  # a folder made here, removed by ``discard``

    def ca_pem(self) -> bytes | None:
        return self.ca_file.read_bytes() if self.ca_file else None

    def discard(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


def names_for(extra_names=(), host: str | None = None) -> list[str]:
    """The local names, the host the server listens on (unless a wildcard), and ``extra_names``; once each."""
    names = list(LOCAL_NAMES)
    if host and host not in ("0.0.0.0", "::", ""):
        names.append(host)
    names.extend(extra_names)
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def make_certificate(names, *, needed_by: str = "--tls") -> TlsFiles:
    """A new CA and a server certificate for ``names``, written to a new private folder.

    ``needed_by`` names, for the message when trustme is missing, what asked for HTTPS."""
    try:
        import trustme
    except ImportError:
        raise TlsError(f"{needed_by} needs trustme: {INSTALL_HINT}") from None
    try:
        ca = trustme.CA(organization_name="mockserver", organization_unit_name="local test CA")
        certificate = ca.issue_cert(*names)
    except (ValueError, UnicodeError) as exc:
        raise TlsError(f"cannot make a certificate for {', '.join(names)}: {exc}") from None
    directory = Path(tempfile.mkdtemp(prefix="mockserver-tls-"))  # mode 0700: the key stays private
    ca_file = directory / "ca.pem"
    cert_file = directory / "server-cert.pem"
    key_file = directory / "server-key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert_file.write_bytes(b"".join(blob.bytes() for blob in certificate.cert_chain_pems))
    certificate.private_key_pem.write_to_path(str(key_file))
    return TlsFiles(cert_file=cert_file, key_file=key_file, ca_file=ca_file, directory=directory)


def user_certificate(cert_file: str, key_file: str) -> TlsFiles:
    """The user's own certificate chain and key, checked to load and to match each other."""
    for name in (cert_file, key_file):
        if not Path(name).is_file():
            raise TlsError(f"cannot read {name}: no such file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_file, key_file)
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"cannot use --tls-cert {cert_file} with --tls-key {key_file}: "
                       f"{getattr(exc, 'reason', None) or exc}") from None
    return TlsFiles(cert_file=Path(cert_file).resolve(), key_file=Path(key_file).resolve())
