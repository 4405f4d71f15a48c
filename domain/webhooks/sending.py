"""One endpoint's attempts: check its URL once (the host resolved, every address checked), then
send each delivery, signed, to the checked addresses only. What an attempt keeps of the answer is
its status, its timing and Retry-After; a failure is a fixed AttemptError, never the body or an
exception's text (a subscriber reads the log: it must not become a way to read what the URL
reaches). Everything happens within the timeout from the endpoint's start, so that the claim's
lease (the timeout and a margin) outlasts it."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from domain.errors import InvalidInput
from domain.models.webhooks import AttemptError
from domain.settings import IPNetwork
from domain.webhooks import pinning, signing, targets

DRAIN_BYTES = 65_536  # an answer's body is read this far (and dropped) so that its connection is reused


@dataclass
class Outcome:
    status_code: int | None
    duration_ms: int
    error: AttemptError | None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class Send:
    """What one delivery sends: the body, its webhook-id and the secrets that sign it."""

    msg_id: str
    body: bytes
    secrets: list[str] = field(default_factory=list)


def retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def classify(exc: BaseException) -> AttemptError:
    if isinstance(exc, InvalidInput):
        return AttemptError.target_refused
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return AttemptError.timeout
    if isinstance(exc, httpx.ConnectError):
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ssl.SSLError):
                return AttemptError.tls_failed
            cause = cause.__cause__ or cause.__context__
        return AttemptError.connect_failed
    if isinstance(exc, httpx.TransportError):  # protocol errors, a connection broken mid-answer
        return AttemptError.invalid_response
    return AttemptError.failed


async def _post(client: httpx.AsyncClient, url: str, send: Send) -> tuple[int, str | None]:
    headers = signing.headers(send.secrets, send.msg_id, int(time.time()), send.body)
    async with client.stream("POST", url, content=send.body, headers=headers) as response:
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read > DRAIN_BYTES:
                break  # the rest is never read: the connection is closed instead of reused
        return response.status_code, response.headers.get("retry-after")


async def _attempt(client: httpx.AsyncClient, url: str, target: targets.Target, send: Send) -> Outcome:
    started = time.monotonic()
    try:
        with pinning.connecting_to(target):
            status, after = await _post(client, url, send)
    except Exception as exc:  # a timeout, a reset, a refused connection: all are failed attempts
        return Outcome(None, _ms(started), classify(exc))
    error = AttemptError.redirect_not_followed if 300 <= status < 400 else None
    return Outcome(status, _ms(started), error, retry_after(after))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


async def send_all(
    client: httpx.AsyncClient, url: str, sends: Sequence[Send], *, allowed: Sequence[IPNetwork], timeout: float
) -> list[Outcome]:
    """The outcome of each send to `url`, all within `timeout` from now."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            target = await targets.check_target(url, allowed=allowed)
    except Exception as exc:  # refused now (DNS answers change), or no answer from the resolver
        return [Outcome(None, _ms(started), classify(exc)) for _ in sends]

    async def bounded(send: Send) -> Outcome:
        began = time.monotonic()
        try:
            async with asyncio.timeout(max(0.0, timeout - (began - started))):
                return await _attempt(client, url, target, send)
        except TimeoutError:
            return Outcome(None, _ms(began), AttemptError.timeout)

    return list(await asyncio.gather(*(bounded(s) for s in sends)))
