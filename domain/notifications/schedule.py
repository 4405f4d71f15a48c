"""Reminders: planned in the database when their cause is decided (a module opening with a
deadline, a session scheduled or moved), evaluated by the worker when due, once, against the
state of then: nothing for a module cancelled or a session removed meanwhile; a reminder whose
date moved is planned again for the new date (the cause key names the date, so the old date's
messages are never sent twice and the new date's are sent once)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.models.notifications import ReminderKind, ScheduledReminder
from domain.notifications.audiences import Cause
from domain.notifications.deciding import Decider
from domain.notifications.facts import ModuleFacts

K = ReminderKind
# Before the nomination deadline (to the focal points with a quota), and at it.
BEFORE_DEADLINE = {K.deadline_7: timedelta(days=7), K.deadline_2: timedelta(days=2), K.seats_released: timedelta(0)}
# Before a session starts.
BEFORE_SESSION = {K.session_day_before: timedelta(days=1), K.roster_day_before: timedelta(days=1)}
# A reminder found later than this (the worker was down) is not sent any more: it would mislead.
TOO_LATE = timedelta(hours=12)
LIVE_MODULE = ("open", "confirmed")


async def _plan(
    session: AsyncSession, kind: ReminderKind, target_id: uuid.UUID, module_id: uuid.UUID, due: datetime | None
) -> None:
    now = utcnow()
    row = await session.scalar(
        select(ScheduledReminder).where(ScheduledReminder.kind == kind, ScheduledReminder.target_id == target_id)
    )
    if due is None or due <= now:  # no date any more, or a date already past: nothing to remind of
        if row is not None and row.done_at is None:
            row.done_at, row.outcome = now, "not planned: no date ahead"
        return
    if row is None:
        session.add(ScheduledReminder(kind=kind, target_id=target_id, module_id=module_id, due_at=due))
    elif row.due_at != due or row.done_at is not None:
        row.due_at, row.done_at, row.outcome = due, None, None


async def plan_deadline(session: AsyncSession, module: ModuleFacts) -> None:
    for kind, before in BEFORE_DEADLINE.items():
        due = module.deadline - before if module.deadline and module.status == "open" else None
        await _plan(session, kind, module.id, module.id, due)


async def plan_session(session: AsyncSession, session_id: uuid.UUID, module_id: uuid.UUID, starts_at: datetime) -> None:
    for kind, before in BEFORE_SESSION.items():
        await _plan(session, kind, session_id, module_id, starts_at - before)


async def drop_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    await session.execute(
        delete(ScheduledReminder).where(
            ScheduledReminder.target_id == session_id, ScheduledReminder.kind.in_(list(BEFORE_SESSION))
        )
    )


async def upkeep(session: AsyncSession, decider: Decider, cause: Cause) -> None:
    """Plan the reminders an event implies."""
    if cause.on == "module.status_changed" and cause.module_id and cause.facts.get("status") == "open":
        module = await decider.module(cause.module_id)
        if module is not None:
            await plan_deadline(session, module)
    elif cause.on in ("session.created", "session.moved") and cause.session_id and cause.module_id:
        starts = cause.facts.get("starts_at")
        if starts:
            await plan_session(session, cause.session_id, cause.module_id, datetime.fromisoformat(starts))
    elif cause.on == "session.cancelled" and cause.session_id:
        await drop_session(session, cause.session_id)


def _expected(kind: ReminderKind, module: ModuleFacts, target_id: uuid.UUID) -> datetime | None:
    """When the reminder is due by the state of now; None: it no longer applies."""
    if kind in BEFORE_DEADLINE:
        return module.deadline - BEFORE_DEADLINE[kind] if module.deadline and module.status == "open" else None
    one = module.session(target_id)
    return one.starts_at - BEFORE_SESSION[kind] if one else None


async def evaluate(session: AsyncSession, decider: Decider, reminder: ScheduledReminder, now: datetime) -> None:
    """Decide a due reminder's messages, or say why there are none; done either way, unless its
    date moved ahead (then it waits for the new date)."""
    module = await decider.module(reminder.module_id)
    outcome: str
    if module is None or module.status not in LIVE_MODULE:
        outcome = f"not sent: the module is {module.status if module else 'gone'}"
    else:
        expected = _expected(reminder.kind, module, reminder.target_id)
        if expected is None:
            outcome = "not sent: no longer applies (session removed, deadline cleared or nominations closed)"
        elif expected > now:
            reminder.due_at = expected  # moved ahead: wait for the new date
            return
        elif now - expected > TOO_LATE:
            outcome = "not sent: found too late"
        else:
            cause = Cause(
                key=f"reminder:{reminder.kind.value}:{reminder.target_id}:{expected.date().isoformat()}",
                on=f"reminder:{reminder.kind.value}",
                facts={},
                module_id=module.id,
                session_id=reminder.target_id if reminder.kind in BEFORE_SESSION else None,
            )
            outcome = f"decided {await decider.decide(cause)} message(s)"
    reminder.done_at, reminder.outcome = now, outcome


async def evaluate_due(session: AsyncSession, *, now: datetime | None = None, limit: int = 50) -> int:
    """The due reminders, each once (PostgreSQL: workers skip the ones another is evaluating)."""
    now = now or utcnow()
    stmt = (
        select(ScheduledReminder)
        .where(ScheduledReminder.done_at.is_(None), ScheduledReminder.due_at <= now)
        .order_by(ScheduledReminder.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    due = list(await session.scalars(stmt))
    decider = Decider(session, now=now)
    for reminder in due:
        await evaluate(session, decider, reminder, now)
    await session.flush()
    return len(due)
