"""Closing the TCP connection of a request being served, before it is answered.

A drop fault must look like a server that closed the connection without a
word. Granian always writes an answer for a WSGI call (a 500 when the app
raises, the status line when the body fails), so the connection itself is
shut down here and granian's answer goes nowhere.

Granian tells the app the client's address but not its port, so the
connection is found among this process's sockets (Linux ``/proc``): the
established ones on the server's port from the client's address that are
waiting for an answer, i.e. whose last data received is no older than their
last data sent. It is shut down only when exactly one connection matches;
with two requests from the same address in flight at once, nothing is
touched and the caller falls back (``close_connection_of`` returns False).
"""
from __future__ import annotations

import ipaddress
import os
import socket
import struct

# set in the WSGI environ of a call whose connection must be dropped, for a
# server that closes it itself rather than on the body's exception (granian)
DROP_ENVIRON = "mockserver.drop_connection"
_TCP_TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
_ESTABLISHED = "01"
# struct tcp_info: 8 one-byte fields, then u32s: rto, ato, snd_mss, rcv_mss,
# unacked, sacked, lost, retrans, fackets, last_data_sent, last_ack_sent,
# last_data_recv (milliseconds ago)
_TCP_INFO = struct.Struct("=8B12I")
_LAST_DATA_SENT, _LAST_DATA_RECV = 8 + 9, 8 + 11


def close_connection_of(environ: dict) -> bool:
    """Shut down the one connection that carries this request; False when it cannot be told apart."""
    try:
        port = int(environ["SERVER_PORT"])
        client = ipaddress.ip_address(environ["REMOTE_ADDR"])
        candidates = _connections(port, client)
        waiting = [fd for fd in candidates if _awaits_answer(fd)]
        if len(waiting) != 1:
            return False
        with socket.socket(fileno=os.dup(waiting[0])) as connection:
            connection.shutdown(socket.SHUT_RDWR)
        return True
    except (KeyError, ValueError, OSError):
        return False


def _connections(port: int, client) -> list[int]:
    """This process's descriptors of established TCP connections from ``client`` to local ``port``."""
    inodes = set()
    for table in _TCP_TABLES:
        try:
            with open(table, encoding="ascii") as lines:
                next(lines)
                for line in lines:
                    fields = line.split()
                    if fields[3] != _ESTABLISHED:
                        continue
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    if local_port == port and _same_address(_address(fields[2]), client):
                        inodes.add(fields[9])
        except FileNotFoundError:
            continue
    if not inodes:
        return []
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            found.append(int(name))
    return found


def _address(field: str):
    """An address from /proc/net/tcp{,6}: hex, in 32-bit words of host byte order."""
    raw = bytes.fromhex(field.split(":")[0])
    words = [raw[i:i + 4][::-1] if _LITTLE else raw[i:i + 4] for i in range(0, len(raw), 4)]
    return ipaddress.ip_address(b"".join(words))


_LITTLE = struct.pack("=I", 1) == struct.pack("<I", 1)


def _same_address(found, client) -> bool:
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        found = found.ipv4_mapped
    if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return found == client


def _awaits_answer(fd: int) -> bool:
    """True when the connection's last data in is no older than its last data out."""
    with socket.socket(fileno=os.dup(fd)) as connection:
        info = _TCP_INFO.unpack(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO.size))
    return info[_LAST_DATA_RECV] <= info[_LAST_DATA_SENT]
