"""A webhook receiver for the tests: a threaded HTTP(S) server on 127.0.0.1 that verifies every
delivery with the `standardwebhooks` package, as an integrator's receiver would, and records it;
and the network the tests' workers connect through, which reaches loopback only."""

from __future__ import annotations

import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class LoopbackOnly(httpcore.AsyncNetworkBackend):
    """The network under every in-process worker of the tests: a connection to anything but a
    loopback address is never attempted, and is recorded in `outside` for the test to fail on
    (the worker would only log a failed attempt). `connected`: the addresses it was asked for."""

    def __init__(self) -> None:
        self.network = httpcore.AnyIOBackend()
        self.connected: list[str] = []
        self.outside: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:  # a name: the worker must connect to the address it checked, never look it up again
            loopback = False
        if not loopback:
            self.outside.append(host)
            raise httpcore.ConnectError(f"the tests reach loopback only, not {host}")
        self.connected.append(host)
        return await self.network.connect_tcp(host, port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.network.sleep(seconds)


@dataclass
class Received:
    path: str
    webhook_id: str
    body: bytes
    signatures: int
    verified: bool
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secrets: dict[str, str] = field(default_factory=dict)  # path -> whsec_ secret
    answer: Callable[[Received], int] = lambda r: 200
    body: bytes = b"ok"  # what a 2xx answer says (a non-2xx says "not now")
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self, path: str | None = None) -> list[str]:
        with self.lock:
            return [r.webhook_id for r in self.received if path is None or r.path == path]


@contextmanager
def receiving(receiver: Receiver, port: int = 0, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """Serve until the block ends (over TLS with `tls`, a server context); yields the port. Stops
    within a bounded time."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            secret = receiver.secrets.get(self.path)
            try:
                Webhook(secret).verify(body, headers) if secret else None
                verified = secret is not None
            except WebhookVerificationError:
                verified = False
            got = Received(
                self.path,
                headers.get("webhook-id", ""),
                body,
                len(headers.get("webhook-signature", "").split()),
                verified,
                headers,
            )
            with receiver.lock:
                receiver.received.append(got)
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer(got) if verified else 401
            try:
                self.send_response(status)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                self.wfile.write(receiver.body if status < 300 else b"not now")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender went away (a worker killed mid-delivery)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # http.server's 5 drops concurrent connects (a 1 s SYN retry each)

    server = Server(("127.0.0.1", port), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
