"""Deliveries connect to the addresses the target check passed, never to a second lookup of the
host name (no DNS-rebinding window): httpx's transport over a connection pool whose network
backend refuses any host but the one checked in this task, and connects to its checked addresses
in turn. The URL is untouched, so the Host header, TLS SNI and the certificate check all stay on
the host name; and connections stay pooled by host name (a pooled connection goes to an address
checked when it was opened: the verdict on an address never changes while the process runs)."""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

from domain.webhooks.targets import Target

# The target checked for the delivery this task is sending (each send runs in a task of its own).
_CHECKED: ContextVar[Target | None] = ContextVar("tadrib_webhook_target", default=None)

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]  # httpcore's


@contextmanager
def connecting_to(target: Target) -> Iterator[None]:
    """Within the block, connections go to `target`'s checked addresses only."""
    token = _CHECKED.set(target)
    try:
        yield
    finally:
        _CHECKED.reset(token)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, network: httpcore.AsyncNetworkBackend | None = None):
        self.network = network or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        target = _CHECKED.get()
        if target is None or (target.host, target.port) != (host, port):
            raise httpcore.ConnectError(f"{host}:{port} was not checked for this delivery")
        failure: Exception | None = None
        for address in target.addresses:  # as the resolver ordered them; the first that answers
            try:
                return await self.network.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host} has no checked address")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks are delivered over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.network.sleep(seconds)


def pinned_client(
    *, timeout: float, ssl_context: ssl.SSLContext, network: httpcore.AsyncNetworkBackend | None = None
) -> httpx.AsyncClient:
    """An httpx client whose connections go only to checked addresses (see connecting_to), that
    follows no redirect and ignores proxy variables. `network`: the backend underneath (tests
    pass one that allows loopback only)."""
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False)
    # No bound on connections: one endpoint's slow connections must not hold up another's.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
    # httpx takes no network backend, so its pool is made again with one (httpx ~0.28's layout;
    # tests/test_webhook_delivery.py fails if a delivery stops going through it).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedBackend(network),
    )
    return httpx.AsyncClient(
        transport=transport, timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
    )
