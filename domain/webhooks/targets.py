"""Where a webhook may point. A subscriber's URL is an address this server will call, so that it
cannot be turned against the internal network or the cloud platform:

- every address the host resolves to must be public (`ipaddress`'s is_global, not multicast, not
  shared carrier-grade NAT space), and so must any IPv4 address embedded in it (IPv4-mapped, 6to4,
  Teredo server and client, NAT64), since a relay or gateway forwards to that one;
- networks the settings list (WEBHOOK_ALLOWED_NETWORKS) are reachable too, except link-local
  networks and cloud metadata addresses, which nothing opens, not even inside another address;
- the check happens when a subscription is made or changed and again before each delivery (DNS
  answers change), and the delivery then connects to the very addresses checked (pinning.py), so
  that no second lookup can point it elsewhere; redirects are never followed.

A refusal names the kind of address when the URL holds an IP address, but never which address
a host name resolved to: that would tell a subscriber about the internal network's names."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import httpx

from domain.errors import InvalidInput
from domain.i18n import N_, Translatable, translatable
from domain.settings import IPNetwork

IPAddress = IPv4Address | IPv6Address
RESOLVE_TIMEOUT_S = 5.0

# Nothing opens these, not even WEBHOOK_ALLOWED_NETWORKS.
LINK_LOCAL = (ip_network("169.254.0.0/16"), ip_network("fe80::/10"))
METADATA = (
    ip_network("169.254.169.254/32"),  # AWS, Azure, Google Cloud, Oracle, OpenStack, DigitalOcean...
    ip_network("fd00:ec2::254/128"),  # AWS over IPv6
    ip_network("100.100.100.200/32"),  # Alibaba Cloud
    ip_network("168.63.129.16/32"),  # Azure's host endpoint (WireServer): public space, reachable from inside only
)
SHARED = ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598): inside a provider's network
# Besides what is_global excludes (the registry's special-purpose networks, as Python knows them).
NOT_PUBLIC = (
    SHARED,
    ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): older Pythons call it global
    ip_network("::/96"),  # IPv4-compatible (deprecated, RFC 4291): never a real destination
)
NAT64 = (ip_network("64:ff9b::/96"), ip_network("64:ff9b:1::/48"))  # the IPv4 address in the last 32 bits


@dataclass(frozen=True)
class Target:
    """A checked URL: its host as httpx connects to it, and the addresses the connection may use."""

    host: str
    port: int
    addresses: tuple[str, ...]


def _refuse(message: Translatable) -> InvalidInput:
    return InvalidInput(
        translatable("The webhook URL is refused: {message}.", message=message),
        code="webhook-url-refused",
        title="Webhook URL refused",
        errors=[{"field": "url", "message": str(message)}],
    )


def parse(url: str) -> tuple[str, int]:
    """(host, port) of an acceptable http(s) URL, the host as httpx sends it (IDNA-encoded, IPv6
    without brackets), or a 422 naming what is wrong."""
    try:
        parts = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise _refuse(translatable("not a URL")) from None
    if parts.scheme not in ("http", "https"):
        raise _refuse(translatable("use http or https"))
    if not parts.raw_host:
        raise _refuse(translatable("no host"))
    if parts.userinfo:
        raise _refuse(translatable("credentials in the URL are not allowed (the signature authenticates us)"))
    if parts.fragment:
        raise _refuse(translatable("a fragment is not sent to servers"))
    try:
        host = parts.raw_host.decode("ascii")
    except UnicodeDecodeError:
        raise _refuse(translatable("not a URL")) from None
    return host, parts.port or (443 if parts.scheme == "https" else 80)


def embedded_ipv4(ip: IPv6Address) -> list[tuple[str, IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries to a relay or gateway, each with how."""
    found: list[tuple[str, IPv4Address]] = []
    if ip.sixtofour is not None:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo is not None:
        server, client = ip.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    if any(ip in net for net in NAT64):
        found.append(("NAT64", IPv4Address(int(ip) & 0xFFFFFFFF)))
    return found


def _kind(ip: IPAddress) -> str:
    if any(ip in net for net in METADATA):
        return N_("a cloud metadata address")
    if ip.is_link_local:
        return N_("a link-local address")
    if ip.is_loopback:
        return N_("a loopback address")
    if ip.is_unspecified:
        return N_("the unspecified address")
    if ip.is_multicast:
        return N_("a multicast address")
    if ip in SHARED:
        return N_("a shared (carrier-grade NAT) address")
    if ip.is_private:
        return N_("a private address")
    return N_("not a public address")


def _public(ip: IPAddress) -> bool:
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in NOT_PUBLIC)


def forbidden_address(address: str | IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """Why webhooks may not reach this address, or None when they may. `allowed`: networks the
    settings open besides the public ones. An IPv4 address inside an IPv6 one must be public too,
    unless the IPv6 address itself is in an allowed network (the operator's own NAT64, say); and
    link-local and metadata addresses are refused wherever they appear, whatever is allowed."""
    ip = ip_address(address.split("%", 1)[0]) if isinstance(address, str) else address
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # the same destination as the IPv4 address
    carried = embedded_ipv4(ip) if isinstance(ip, IPv6Address) else []

    def refusal(how: str, candidate: IPAddress) -> str:
        return f"{ip} carries {candidate} ({how}), {_kind(candidate)}" if how else f"{ip} is {_kind(candidate)}"

    for how, candidate in [*carried, ("", ip)]:  # the embedded first: the more telling reason
        if any(candidate in net for net in LINK_LOCAL + METADATA):
            return refusal(how, candidate)
    if any(ip in net for net in allowed):
        return None
    for how, candidate in [*carried, ("", ip)]:
        if not _public(candidate):
            return refusal(how, candidate)
    return None


async def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address of the host, in the resolver's order (an IP address: itself)."""
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, TimeoutError):  # socket.gaierror is an OSError
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


async def check_target(url: str, *, allowed: Sequence[IPNetwork]) -> Target:
    """The URL's host and the addresses a delivery may connect to; a 422 when any address the
    host resolves to is one webhooks may not reach."""
    host, port = parse(url)
    literal = _literal(host)
    if literal is not None:
        reason = forbidden_address(literal, allowed)
        if reason:
            raise _refuse(translatable("{reason}; webhooks go to public addresses only", reason=Translatable(reason)))
        return Target(host, port, (str(literal),))
    addresses = await resolve(host, port)
    if not addresses or any(forbidden_address(a, allowed) for a in addresses):
        # Which address, or whether it resolved at all, stays untold: see the module's docstring.
        raise _refuse(translatable("{host} does not resolve to public addresses only", host=host))
    return Target(host, port, addresses)
