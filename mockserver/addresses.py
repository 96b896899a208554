"""The mock's own addresses: where it listens, which Host names may reach its
admin API, and whether a URL would lead back to the mock itself.

The server records each address once it has bound (with port 0 the port is
known only then). Names are compared as written, never resolved: a lookup
in the middle of a request could block, and a name resolved now may resolve
elsewhere later.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import threading
from functools import lru_cache

LOOPBACK_NAMES = frozenset({"localhost"})
# an IPv4 address in any form the system's resolver accepts: 127.1, 2130706433, 0x7f.0.0.1
_LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$")
# a Host header: a name or IPv4 address, or an IPv6 address in brackets, with an optional port
_HOST_HEADER = re.compile(r"^(?:\[(?P<v6>[0-9a-fA-F:.]+)\]|(?P<name>[^\s:\[\]/@]+))(?::(?P<port>[0-9]{1,5}))?$")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normal_host(host: str) -> str:
    """Lower case, no brackets, no final dot: the form names are compared in."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host[:-1] if host.endswith(".") else host


def ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literal stands for, in any form a client would connect to."""
    host = normal_host(host)
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # a zone (fe80::1%lo) is still that address
    except ValueError:
        if not _LEGACY_IPV4.match(host):
            return None
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback_name(host: str) -> bool:
    """``localhost`` (and its subdomains, which resolve to loopback) or a loopback address."""
    host = normal_host(host)
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    address = ip_of(host)
    return address is not None and address.is_loopback


def split_host_header(value: str) -> tuple[str, int | None] | None:
    """``("localhost", 8080)`` from ``localhost:8080``; None if it is not a Host value."""
    match = _HOST_HEADER.match(value or "")
    if match is None:
        return None
    host = match.group("v6") or match.group("name")
    port = match.group("port")
    return normal_host(host), int(port) if port is not None else None


@lru_cache(maxsize=1)
def _this_machine() -> tuple[frozenset[str], frozenset]:
    """This machine's own names and addresses (for a mock bound to every interface)."""
    names = set()
    addresses = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names.add(normal_host(name))
            try:
                for info in socket.getaddrinfo(name, None):
                    found = ip_of(info[4][0])
                    if found is not None:
                        addresses.add(found)
            except OSError:
                pass
    return frozenset(names), frozenset(addresses)


class OwnAddresses:
    """Every (host, port) the app is served on; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._bound: tuple[tuple[str, int], ...] = ()

    def add(self, host: str, port: int) -> None:
        entry = (normal_host(host), int(port))
        with self._lock:
            if entry not in self._bound:
                self._bound = self._bound + (entry,)

    @property
    def bound(self) -> tuple[tuple[str, int], ...]:
        return self._bound

    def hosts(self) -> set[str]:
        return {host for host, _ in self._bound}

    def reaches_self(self, host: str, port: int) -> bool:
        """Whether ``host:port`` would connect to the mock: a loopback or
        wildcard address, or the very host it listens on, at one of its ports."""
        bound = self._bound
        if not any(port == own_port for _, own_port in bound):
            return False
        host = normal_host(host)
        address = ip_of(host)
        if is_loopback_name(host) or (address is not None and address.is_unspecified):
            return True
        for own_host, own_port in bound:
            if own_port != port:
                continue
            own_address = ip_of(own_host)
            if host == own_host or (address is not None and address == own_address):
                return True
            if own_address is not None and own_address.is_unspecified:
                names, addresses = _this_machine()
                if host in names or address in addresses:
                    return True
        return False

    def reaches_self_url(self, url: str) -> bool:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError:
            return False
        if not host:
            return False
        if port is None:
            port = DEFAULT_PORTS.get(parts.scheme.lower())
            if port is None:
                return False
        return self.reaches_self(host, port)
