"""Where a webhook may point. A subscriber's URL is an address this server will call, so that
it cannot be turned against the internal network: loopback, private, link-local, multicast,
reserved and unspecified addresses are refused (unless settings allow them, as in development),
every address the host name resolves to is checked, and redirects are never followed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from domain.errors import InvalidInput


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(
        f"The webhook URL is refused: {message}.",
        code="webhook-url-refused",
        title="Webhook URL refused",
        errors=[{"field": "url", "message": message}],
    )


def parse(url: str) -> tuple[str, int]:
    """(host, port) of an acceptable http(s) URL, or a 422 naming what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("not a URL") from None
    if parts.scheme not in ("http", "https"):
        raise _refuse("use http or https")
    if not parts.hostname:
        raise _refuse("no host")
    if parts.username or parts.password:
        raise _refuse("credentials in the URL are not allowed (the signature authenticates us)")
    if parts.fragment:
        raise _refuse("a fragment is not sent to servers")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def forbidden_address(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("private", ip.is_private),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("unspecified", ip.is_unspecified),
    ):
        if flag:
            return f"{address} is a {kind} address"
    return None


async def resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(f"the host {host} does not resolve") from None
    return sorted({str(info[4][0]) for info in infos})


async def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose host is, or resolves to, an internal address (checked at subscription
    and again before every delivery, since DNS answers change)."""
    host, port = parse(url)
    if allow_private:
        return
    for address in await resolve(host, port):
        reason = forbidden_address(address)
        if reason:
            raise _refuse(f"{reason}; webhooks go to public addresses only")
