"""The three calendars of sessions, each scoped like the rest of the API:

- a cycle's: every session of its modules that are not cancelled (anyone who reads the plan);
- a trainer's: the sessions they teach (admins, coordinators, and that trainer's own account;
  another trainer's calendar is a 404 for a trainer);
- an officer's: the sessions of the modules they are seated in (enrolled, completed or not
  completed), and those of modules cancelled while they were enrolled, marked cancelled
  (holders of officers:read who may see that officer; any other is a 404).

A feed costs a constant number of queries: one for the target, one for the sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.access.teaching import check_trainer_calendar
from domain.audit.service import record_read
from domain.auth.policy import OFFICERS_READ, PLANNING_READ, TRAINERS_READ, authorize
from domain.auth.principal import Principal
from domain.calendar.ics import FeedEvent, FeedMeta, event_uid, render, sequence
from domain.crud import get_or_404
from domain.models.calendar import FeedKind
from domain.models.catalogue import Module, ModuleStatus, Trainer, TrainingSession, Venue, session_trainers
from domain.models.cycles import Cycle
from domain.models.enrolment import ON_ROSTER, ChangeCause, Nomination, NominationChange, NominationStatus
from domain.models.officers import Officer

# Cancelling a module withdraws its enrolled nominations with the cause module_cancelled
# (domain/lifecycle/service.py); those officers keep the sessions, marked cancelled.

_STATUS = {
    ModuleStatus.confirmed: "CONFIRMED",
    ModuleStatus.delivered: "CONFIRMED",
    ModuleStatus.closed: "CONFIRMED",
    ModuleStatus.cancelled: "CANCELLED",
}
_FORMATS = {"training_of_trainers": "Training of trainers (ToT)"}


@dataclass(frozen=True)
class Target:
    kind: FeedKind
    id: uuid.UUID
    meta: FeedMeta


async def resolve_target(
    session: AsyncSession, *, principal: Principal, kind: FeedKind, target_id: uuid.UUID
) -> Target:
    """Authorise the principal for one calendar: a 403 without the permission, a 404 for what
    does not exist or is out of their reach (never telling the two apart)."""
    if kind is FeedKind.cycle:
        authorize(principal, PLANNING_READ)
        cycle = await get_or_404(session, Cycle, target_id)
        meta = FeedMeta(name=f"Tadrib: {cycle.title}", home_zone=cycle.time_zone, span=(cycle.starts_on, cycle.ends_on))
    elif kind is FeedKind.trainer:
        authorize(principal, TRAINERS_READ)
        check_trainer_calendar(principal, target_id)
        trainer = await get_or_404(session, Trainer, target_id)
        meta = FeedMeta(name=f"Tadrib: sessions of {trainer.name}")
    else:
        authorize(principal, OFFICERS_READ)
        await get_or_404(session, Officer, target_id, where=(need_to_know.officers(principal),))
        # No name in the calendar: the file may end up in places the API does not control.
        meta = FeedMeta(name="Tadrib: an officer's training sessions")
    return Target(kind=kind, id=target_id, meta=meta)


def _sessions() -> Select[*tuple[Any, ...]]:
    return (
        select(
            TrainingSession.id,
            TrainingSession.title,
            TrainingSession.starts_at,
            TrainingSession.ends_at,
            TrainingSession.version,
            TrainingSession.updated_at.label("session_updated_at"),
            Module.code,
            Module.title.label("module_title"),
            Module.format,
            Module.status,
            Module.updated_at.label("module_updated_at"),
            Cycle.time_zone,
            Cycle.updated_at.label("cycle_updated_at"),
            Venue.name.label("venue_name"),
            Venue.city.label("venue_city"),
            Venue.updated_at.label("venue_updated_at"),
        )
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        # The session's venue, else the module's.
        .outerjoin(Venue, Venue.id == func.coalesce(TrainingSession.venue_id, Module.venue_id))
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )


def _filter(stmt: Select[*tuple[Any, ...]], target: Target) -> Select[*tuple[Any, ...]]:
    if target.kind is FeedKind.cycle:
        return stmt.where(Module.cycle_id == target.id, Module.status != ModuleStatus.cancelled)
    if target.kind is FeedKind.trainer:
        return stmt.where(
            TrainingSession.id.in_(
                select(session_trainers.c.session_id).where(session_trainers.c.trainer_id == target.id)
            )
        )
    seated = select(Nomination.module_id).where(Nomination.officer_id == target.id, Nomination.status.in_(ON_ROSTER))
    cancelled_while_enrolled = (
        select(Nomination.module_id)
        .join(NominationChange, NominationChange.nomination_id == Nomination.id)
        .where(
            Nomination.officer_id == target.id,
            Nomination.status == NominationStatus.withdrawn,
            NominationChange.from_status == NominationStatus.enrolled.value,
            NominationChange.to_status == NominationStatus.withdrawn.value,
            NominationChange.cause == ChangeCause.module_cancelled.value,
        )
    )
    return stmt.where(
        or_(
            Module.id.in_(seated),
            and_(Module.status == ModuleStatus.cancelled, Module.id.in_(cancelled_while_enrolled)),
        )
    )


def _event(row: Row[*tuple[Any, ...]]) -> FeedEvent:
    cancelled = row.status is ModuleStatus.cancelled
    fmt = _FORMATS.get(row.format.value, row.format.value.replace("_", " ").capitalize())
    description = f"{row.module_title}\nFormat: {fmt}" + ("\nThis module has been cancelled." if cancelled else "")
    revised = [row.session_updated_at, row.module_updated_at, row.cycle_updated_at]
    if row.venue_updated_at is not None:
        revised.append(row.venue_updated_at)
    return FeedEvent(
        uid=event_uid(row.id),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        time_zone=row.time_zone,
        summary=f"{row.code}: {row.title}",
        description=description,
        location=", ".join(p for p in (row.venue_name, row.venue_city) if p) or None,
        sequence=sequence(row.version, cancelled=cancelled),
        last_modified=max(revised),
        status=_STATUS.get(row.status, "TENTATIVE"),
    )


async def feed_events(session: AsyncSession, target: Target) -> list[FeedEvent]:
    # resolve_target checked that the principal may see the target (an officer, a trainer).
    stmt = internal(_filter(_sessions(), target), "the sessions of a calendar the caller may read")
    return [_event(row) for row in (await session.execute(stmt)).all()]


async def calendar(
    session: AsyncSession,
    *,
    principal: Principal,
    kind: FeedKind,
    target_id: uuid.UUID,
    via: str = "bearer",
    today: date | None = None,
) -> bytes:
    """The calendar as `principal` may see it now, as iCalendar bytes."""
    target = await resolve_target(session, principal=principal, kind=kind, target_id=target_id)
    events = await feed_events(session, target)
    if kind is FeedKind.officer and need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity="officer_calendar",
            filters={"officer_id": target_id, "via": via},
            row_count=len(events),
        )
    return render(target.meta, events, today=today)
