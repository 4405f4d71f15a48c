"""Messages are decided in the transaction of the change that causes them: the outbox's events of
that transaction (and a module's deadline changed in it) are collected as they are flushed, and
decided just before the transaction commits, so that a message exists exactly when its change
does. Nothing below this area knows of it: the services emit their events as always.

Before the commit runs inside SQLAlchemy's asyncio bridge (a greenlet), so the decisions are
ordinary async code on the same session (`await_only`). Seeds loading history turn it off for
their session (`quiet`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_session
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

from domain.models.catalogue import Module
from domain.models.events import OutboxEvent
from domain.notifications import erasure, schedule
from domain.notifications.audiences import Cause
from domain.notifications.deciding import Decider
from domain.notifications.kinds import TRIGGERS

__all__ = ["erasure", "quiet"]  # erasure: imported for its registration (officers' REDACTORS)
EVENTS = "tadrib_notification_events"
DEADLINES = "tadrib_notification_deadlines"
QUIET = "tadrib_notifications_quiet"


def quiet(session: AsyncSession) -> None:
    """No message is decided for this session's changes (seeds loading past history)."""
    session.info[QUIET] = True


def cause_of(e: OutboxEvent) -> Cause:
    data = dict(e.payload)
    module_id = data.get("module_id") or (e.entity_id if e.entity == "module" else None)
    return Cause(
        key=f"event:{e.id}",
        on=e.type,
        facts=data,
        module_id=uuid.UUID(str(module_id)) if module_id else None,
        session_id=uuid.UUID(e.entity_id) if e.entity == "session" else None,
        officer_id=e.officer_id,
        agency_id=e.agency_id,
        resource_id=e.entity_id,
    )


async def decide_transaction(session: AsyncSession, events: list[OutboxEvent], deadlines: set[uuid.UUID]) -> int:
    decider = Decider(session)
    for e in events:
        cause = cause_of(e)
        await schedule.upkeep(session, decider, cause)
        await decider.decide(cause)
    for module_id in deadlines:
        decider.forget(module_id)
        module = await decider.module(module_id)
        if module is not None:
            await schedule.plan_deadline(session, module)
    await session.flush()
    return decider.decided


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(QUIET):
        return
    for obj in session.new:
        if isinstance(obj, OutboxEvent) and obj.type in TRIGGERS:
            session.info.setdefault(EVENTS, []).append(obj)
    for obj in session.dirty:
        if isinstance(obj, Module) and inspect(obj).attrs.nomination_deadline.history.has_changes():
            session.info.setdefault(DEADLINES, set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _decide(session: Session) -> None:
    pending = session.info.get(EVENTS) or session.info.get(DEADLINES)
    if session.info.get(QUIET) or not (pending or session.new or session.dirty or session.deleted):
        return
    session.flush()  # the transaction's last events pass through _collect
    events: list[OutboxEvent] = session.info.pop(EVENTS, [])
    deadlines: set[uuid.UUID] = session.info.pop(DEADLINES, set())
    if not events and not deadlines:
        return
    proxy = async_session(session)
    if proxy is None:  # a plain synchronous session: no service of this house uses one
        return
    await_only(decide_transaction(proxy, events, deadlines))


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_commit")
def _forget(session: Session) -> None:
    session.info.pop(EVENTS, None)
    session.info.pop(DEADLINES, None)
