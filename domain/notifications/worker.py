"""The mail worker: evaluates the reminders that fell due, then claims due messages for a lease
and sends them through SMTP_URL, recording each outcome as soon as it is known; round after
round until told to stop. Without SMTP_URL it evaluates reminders only: the messages wait in
the outbox, shown to administrators.

Exactly once is what SMTP cannot promise: a worker that dies after the server accepted a message
and before it recorded that leaves the message 'sending'; when the lease ends another worker
sends it again, with the same Message-ID (its idempotency key), so a second copy can be
recognised. The window is kept small: the claim is recorded before connecting, and each outcome
in its own short transaction right after the server's answer (tests/test_mail_delivery.py kills
a worker at each point and counts the copies)."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import messages as access
from domain.access.need_to_know import internal
from domain.db import utcnow
from domain.models.auth import User
from domain.models.notifications import Message, MessageStatus
from domain.models.officers import Officer
from domain.notifications import config, schedule, smtp
from domain.settings import Settings
from domain.webhooks.queue import next_attempt

log = logging.getLogger("tadrib.mail")
M = Message


async def claim(session: AsyncSession, *, limit: int, lease_seconds: float) -> tuple[uuid.UUID, list[Message]]:
    """Take up to `limit` due messages for a lease: pending ones whose time came, and those whose
    worker's lease ran out (it died mid-send). Each is checked against its person's record: the
    address it goes to is the one the record holds now (none: it is cancelled, never sent)."""
    now = utcnow()
    due = or_(
        and_(M.status == MessageStatus.pending, M.next_attempt_at <= now),
        and_(M.status == MessageStatus.sending, M.lease_until < now),
    )
    stmt = internal(
        select(M).where(due).order_by(M.next_attempt_at, M.id).limit(limit),
        "the worker claims the messages it sends",
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    messages = list(await session.scalars(stmt))
    token = uuid.uuid4()
    addresses = await _addresses_now(session, messages)
    claimed = []
    for m in messages:
        address = addresses.get(m.id)
        if not address:
            m.status, m.last_error, m.claim, m.lease_until = (
                MessageStatus.cancelled,
                "not sent: the person's record has no e-mail address any more",
                None,
                None,
            )
            m.sealed = None
            continue
        m.to_address = address
        m.status, m.claim, m.lease_until = MessageStatus.sending, token, now + timedelta(seconds=lease_seconds)
        claimed.append(m)
    await session.flush()
    return token, claimed


async def _addresses_now(session: AsyncSession, messages: list[Message]) -> dict[uuid.UUID, str | None]:
    to_officers = {m.officer_id for m in messages if m.audience == "officer" and m.officer_id}
    to_users = {m.user_id for m in messages if m.user_id}
    officers: dict[uuid.UUID, str | None] = {}
    if to_officers:
        rows = await session.execute(select(Officer.id, Officer.email).where(access.recipients(list(to_officers))))
        officers = {i: e for i, e in rows}
    users: dict[uuid.UUID, str | None] = {}
    if to_users:
        rows = await session.execute(select(User.id, User.email).where(User.id.in_(to_users), User.disabled.is_(False)))
        users = {i: e for i, e in rows}
    found: dict[uuid.UUID, str | None] = {}
    for m in messages:
        if m.audience == "officer" and m.officer_id:
            found[m.id] = officers.get(m.officer_id)
        elif m.user_id:
            found[m.id] = users.get(m.user_id)
        elif m.audience == "supervisor":  # no record of theirs but the address their focal point gave
            found[m.id] = m.to_address
    return found


async def settle(session: AsyncSession, *, message_id: uuid.UUID, token: uuid.UUID, values: dict[str, Any]) -> bool:
    """Record an outcome if the claim that sent the message still holds it."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(M)
            .where(M.id == message_id, M.claim == token, M.status == MessageStatus.sending)
            .values(claim=None, lease_until=None, **values)
        ),
    )
    return bool(result.rowcount)


Chore = Callable[[AsyncSession, datetime], Awaitable[object]]
CHORE_SECONDS = 60.0


class MailWorker:
    """`await MailWorker(sessions, settings).run(stop)`; or round() by hand (tests)."""

    def __init__(
        self,
        sessions: Callable[[], AsyncSession],
        settings: Settings,
        *,
        name: str = "mail",
        chores: Sequence[Chore] = (),
    ):
        self.sessions, self.settings, self.name = sessions, settings, name
        # Work other areas schedule (opening surveys and issuing their links): each in its own
        # transaction, at most once a minute, before the messages it may have made are sent.
        self.chores, self.chores_due = chores, 0.0
        self.relay = smtp.Relay.parse(settings.smtp_url) if settings.smtp_url else None
        # A lease outlasts a send (bounded by the timeout) with room to record it.
        self.lease = max(settings.mail_lease_seconds, settings.mail_timeout_seconds + 2)
        self.sent = 0
        config.configure(settings)

    async def round(self) -> int:
        """Chores, due reminders evaluated, then due messages sent; returns how much it did."""
        if self.chores and time.monotonic() >= self.chores_due:
            self.chores_due = time.monotonic() + CHORE_SECONDS
            for chore in self.chores:
                async with self.sessions() as session, session.begin():
                    await chore(session, utcnow())
        async with self.sessions() as session, session.begin():
            done = await schedule.evaluate_due(session)
        if self.relay is None:
            return done
        async with self.sessions() as session, session.begin():
            token, messages = await claim(session, limit=self.settings.mail_batch_size, lease_seconds=self.lease)
        for message in messages:
            await self._send(token, message)
        return done + len(messages)

    async def _send(self, token: uuid.UUID, message: Message) -> None:
        assert self.relay is not None
        outcome = await smtp.send(
            self.relay, smtp.build(message, sender=config.sender()), timeout=self.settings.mail_timeout_seconds
        )
        now = utcnow()
        attempts = message.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_error": outcome.error}
        if outcome.sent:
            values |= {"status": MessageStatus.sent, "sent_at": now, "sealed": None}
        elif outcome.permanent:
            values |= {"status": MessageStatus.failed, "sealed": None}
        else:
            when = next_attempt(
                attempts, self.settings.mail_retry_delays, retry_after=None, jitter=0.1, rand=random.random(), now=now
            )
            if when is None:
                values |= {
                    "status": MessageStatus.failed,
                    "sealed": None,
                    "last_error": f"gave up after {attempts} attempts: {outcome.error}",
                }
            else:
                values |= {"status": MessageStatus.pending, "next_attempt_at": when}
        async with self.sessions() as session, session.begin():
            recorded = await settle(session, message_id=message.id, token=token, values=values)
        if recorded and outcome.sent:
            self.sent += 1
        log.info(
            "%s: message %s %s%s",
            self.name,
            message.id,
            values["status"],
            f" ({outcome.error})" if outcome.error else "",
        )

    async def run(self, stop: asyncio.Event, *, idle_exit: float | None = None) -> None:
        idle_since = time.monotonic()
        while not stop.is_set():
            try:
                worked = await self.round()
            except Exception:  # the database restarting, say: log, wait, go on; claims come back after their lease
                log.exception("%s: mail round failed", self.name)
                worked = 0
            if worked:
                idle_since = time.monotonic()
                continue
            if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                return
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.mail_poll_seconds)
            except TimeoutError:
                pass
