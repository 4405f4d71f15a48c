"""A real SMTP server for the tests: aiosmtpd on a free loopback port (its Controller cannot take
port 0: its start-up check connects to the port it was given), receiving the actual messages.
Each DATA is answered as the test says: accepted, refused (4xx, 5xx), or the connection dropped;
what was accepted is kept as bytes and read back with the email package."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.servers import free_port

DROP = "drop"  # close the connection instead of answering


@dataclass
class Received:
    envelope_from: str
    envelope_to: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class Inbox:
    """The handler: `answer(envelope) -> str` decides each DATA ('250 OK' by default)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.attempts = 0
        self.answer: Callable[[Any], str] = lambda envelope: "250 OK"
        # Kill tests: hold the connection this long at RCPT (before the message exists) or after
        # DATA was accepted (before the answer leaves), and say when it is held.
        self.hold_at_rcpt = 0.0
        self.hold_after_data = 0.0
        self.held = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        envelope.rcpt_tos.append(address)
        if self.hold_at_rcpt:  # once
            hold, self.hold_at_rcpt = self.hold_at_rcpt, 0.0
            self.held.set()
            await asyncio.sleep(hold)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.attempts += 1
        answer = self.answer(envelope)
        if answer == DROP:
            server.transport.close()  # the server goes away mid-send
            return "421 4.3.0 closing"
        if answer.startswith("250"):
            with self._lock:
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        if self.hold_after_data and answer.startswith("250"):  # once
            hold, self.hold_after_data = self.hold_after_data, 0.0
            self.held.set()
            await asyncio.sleep(hold)
        return answer

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)


@contextmanager
def smtp_server(inbox: Inbox | None = None) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 until the block ends: yields (inbox, port)."""
    inbox = inbox or Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
