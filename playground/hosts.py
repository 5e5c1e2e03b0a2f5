"""Which ``Host`` and ``Origin`` the playground answers to, and the address students can reach.

DNS rebinding: a page on ``http://evil.example`` can re-point ``evil.example`` at 127.0.0.1 (or at a
classroom server) and then read the playground's API as if it were its own origin. Its requests
still carry ``Host: evil.example``, so the server accepts only hosts that cannot be re-pointed:

- IP address literals (``127.0.0.1``, ``[::1]``, ``192.168.1.20``), with an optional port: a
  browser sends a literal only when the user typed that address. A server bound to loopback
  accepts only loopback literals; one bound to the network (``--host 0.0.0.0``) accepts any;
- ``localhost``;
- the names the user configured (``--allow-host NAME``, e.g. the classroom machine's DNS name).

A request carrying an ``Origin`` must come from an accepted host and from the same host and port
it is sent to (a page of this server); ``Origin: null`` is refused.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

_PORT = re.compile(r"[0-9]{1,5}")
_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


def split_host(header: str) -> tuple[str, str] | None:
    """``'host[:port]'`` -> (host in lower case, port or ''), or None when malformed.

    IPv6 literals come in brackets (``[::1]:8765``), returned without them."""
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None
        host, rest = text[1:end], text[end + 1:]
        if rest and not (rest.startswith(":") and _PORT.fullmatch(rest[1:])):
            return None
        return host, rest[1:]
    host, _, port = text.partition(":")
    if port and not _PORT.fullmatch(port):
        return None
    return (host, port) if host else None


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` spells exactly (no name lookup), or None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and exact loopback literals (``127.0.0.1``, ``::1``, ``[::1]``);
    ``127.0.0.1.example.com`` is a name, not a literal, and is not loopback."""
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    ip = ip_literal(host)
    return ip is not None and ip.is_loopback


def clean_names(names: Iterable[str]) -> frozenset[str]:
    """Check the names given with ``--allow-host``; raises ValueError for one that is not a
    DNS name (a typo would otherwise lock every student out with a puzzling message)."""
    out = set()
    for name in names:
        n = name.strip().lower().rstrip(".")
        if not _NAME.fullmatch(n) or ip_literal(n) is not None:
            raise ValueError(f"--allow-host takes a DNS name such as 'lab-pc.school.org', "
                             f"not {name!r} (IP addresses are always accepted)")
        out.add(n)
    return frozenset(out)


class HostPolicy:
    """The hosts one server answers to: see the module's docstring."""

    def __init__(self, loopback_only: bool, names: Iterable[str] = ()) -> None:
        self.loopback_only = loopback_only
        self.names = clean_names(names)

    def host_ok(self, host: str) -> bool:
        if host == "localhost" or host in self.names:
            return True
        ip = ip_literal(host)
        if ip is None:
            return False
        return ip.is_loopback or not self.loopback_only

    def check(self, host_header: str | None, origin: str | None) -> str | None:
        """None when the request may go on, else the reason it may not (for a 400)."""
        parts = split_host(host_header or "")
        if parts is None:
            return f"a request needs a valid Host header, not {(host_header or '')[:60]!r}"
        if not self.host_ok(parts[0]):
            allowed = "an IP address, localhost" if not self.loopback_only else \
                "127.0.0.1, [::1], localhost"
            if self.names:
                allowed += ", " + ", ".join(sorted(self.names))
            return (f"this playground answers only to {allowed}, not host {parts[0][:60]!r} "
                    "(start it with --allow-host NAME to add a name)")
        if origin is None:
            return None
        url = urlsplit(origin.strip())
        netloc = url.netloc.lower()
        if url.scheme not in ("http", "https") or split_host(netloc) != parts:
            return f"requests from {origin[:80]} are not allowed (only from this server's pages)"
        return None


def reachable_address(bound: str) -> str:
    """The address other machines use to reach a server bound to ``bound``: the address itself,
    or for a wildcard (``0.0.0.0``, ``::``) this machine's address on its main network (found by
    asking the system which interface would route to a public address; nothing is sent)."""
    ip = ip_literal(bound)
    if ip is None or not ip.is_unspecified:
        return bound
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    probe = ("2001:db8::1", 9) if ip.version == 6 else ("192.0.2.1", 9)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect(probe)  # UDP connect: picks a route, sends nothing
            return s.getsockname()[0]
    except OSError:
        return "::1" if ip.version == 6 else "127.0.0.1"
