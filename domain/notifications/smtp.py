"""Sending one stored message through SMTP_URL with aiosmtplib, and what came of it.

The message is built from what was stored when it was decided, the same bytes on every attempt:
its Message-ID carries the message's id (its idempotency key), its Date is when it was decided.
A receiving system (or a person) can therefore recognise a second delivery after a worker died
between the server's acceptance and the worker's record of it: SMTP itself cannot prevent that."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

from domain.models.notifications import Message
from domain.notifications import invitations, sealing


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool  # smtps://
    start_tls: bool | None  # True: required; None: if the server offers it

    @classmethod
    def parse(cls, url: str) -> Relay:
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        host = parts.hostname or "localhost"
        username = unquote(parts.username) if parts.username else None
        # Credentials never cross the network in clear: with a user, STARTTLS is required (smtp://)
        # unless the relay is on this machine (a local test server, a sidecar).
        start_tls = None if implicit else (True if username and not _loopback(host) else None)
        return cls(
            host=host,
            port=parts.port or (465 if implicit else 587 if username else 25),
            username=username,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            start_tls=start_tls,
        )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def message_id(message: Message, domain: str) -> str:
    """The same on every attempt of this message: its id is its idempotency key."""
    return f"<{message.id}@{domain}>"


def build(message: Message, *, sender: tuple[str, str]) -> EmailMessage:
    name, address = sender
    email = EmailMessage()
    email["From"] = formataddr((name, address))
    email["To"] = Address(addr_spec=message.to_address or "")
    email["Subject"] = message.subject  # non-ASCII goes out RFC 2047-encoded
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message, address.rpartition("@")[2] or "tadrib.invalid")
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    email["X-Tadrib-Kind"] = message.kind
    email.set_content(sealing.body_of(message.body, message.sealed), subtype="plain", charset="utf-8")
    if message.ics and message.ics_method:
        for i, calendar in enumerate(invitations.split(message.ics), start=1):
            email.add_attachment(
                calendar.encode(),
                maintype="text",
                subtype="calendar",
                filename=f"invitation-{i}.ics" if i > 1 else "invitation.ics",
                params={"method": message.ics_method, "charset": "UTF-8"},
            )
    email["Content-Language"] = message.language  # after the parts: set_content would move it into the text part
    return email


@dataclass(frozen=True)
class Outcome:
    sent: bool
    permanent: bool = False  # refused for good: no retry
    error: str | None = None  # the server's answer (code and text) or what went wrong, in a few words


def _answer(code: int, text: str) -> str:
    return f"{code} {' '.join(text.split())}"[:300]


def classify(exc: BaseException) -> Outcome:
    """5xx answers are permanent; 4xx, a connection that failed or broke, a timeout: temporary."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        first = exc.recipients[0] if exc.recipients else None
        error = _answer(first.code, first.message) if first else "recipient refused"
        return Outcome(False, permanent=all(c >= 500 for c in codes), error=error)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return Outcome(False, error=_answer(exc.code, "authentication failed: check SMTP_URL"))
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected | aiosmtplib.SMTPConnectError | aiosmtplib.SMTPTimeoutError):
        return Outcome(False, error=f"connection: {type(exc).__name__}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Outcome(False, permanent=exc.code >= 500, error=_answer(exc.code, exc.message))
    if isinstance(exc, TimeoutError | OSError):
        return Outcome(False, error=f"connection: {type(exc).__name__}")
    return Outcome(False, error=f"failed: {type(exc).__name__}")


async def send(relay: Relay, email: EmailMessage, *, timeout: float) -> Outcome:
    try:
        await aiosmtplib.send(
            email,
            hostname=relay.host,
            port=relay.port,
            username=relay.username,
            password=relay.password,
            use_tls=relay.implicit_tls,
            start_tls=relay.start_tls,
            timeout=timeout,
        )
    except Exception as exc:  # every failure is an outcome to record, never a crash of the worker
        return classify(exc)
    return Outcome(True)
