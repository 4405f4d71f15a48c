"""The dashboard's kinds about sessions: the coming fortnight's sessions that are not ready, the
sessions with clashes or calendar warnings, and the sessions held whose attendance is not taken.
One statement each (two for the clashes), whatever the number of sessions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.attention.schedule import session_problems
from domain.attention.schemas import AttendanceToTake, ModuleBrief, Readiness, ScheduleWarning, UpcomingSession
from domain.attention.scope import ACTIVE, planned_cycles
from domain.auth.principal import Principal
from domain.models.attendance import AttendanceMark
from domain.models.catalogue import ENROLLING, Module, ModuleStatus, TrainingSession, Venue, session_trainers
from domain.models.cycles import Cycle
from domain.models.enrolment import HOLDS_SEAT, ON_ROSTER, Nomination

COMING = timedelta(days=14)
# Attendance is still taken (or corrected) once a module is delivered; a closed one is done with.
HELD = (*ENROLLING, ModuleStatus.delivered)


def _module(row: Any) -> ModuleBrief:
    return ModuleBrief(id=row.module_id, code=row.code, title=row.module_title, status=row.status)


def readiness(*, trainers: int, venue_capacity: int | None, roster: int) -> list[Readiness]:
    """What a session lacks to be held: a trainer, a room, participants, a room big enough."""
    problems: list[Readiness] = []
    if trainers == 0:
        problems.append("no-trainer")
    if venue_capacity is None:
        problems.append("no-venue")
    if roster == 0:
        problems.append("empty-roster")
    elif venue_capacity is not None and roster > venue_capacity:
        problems.append("venue-too-small")
    return problems


async def upcoming_sessions(session: AsyncSession, *, principal: Principal, now: datetime) -> list[UpcomingSession]:
    trainers = (
        select(func.count())
        .select_from(session_trainers)
        .where(session_trainers.c.session_id == TrainingSession.id)
        .scalar_subquery()
    )
    roster = (
        select(func.count(Nomination.id))
        .where(Nomination.module_id == Module.id, Nomination.status.in_(HOLDS_SEAT))
        .scalar_subquery()
    )
    stmt = (
        select(
            TrainingSession.id,
            TrainingSession.title,
            TrainingSession.starts_at,
            TrainingSession.ends_at,
            Cycle.time_zone,
            Module.id.label("module_id"),
            Module.code,
            Module.title.label("module_title"),
            Module.status,
            Module.capacity,
            Venue.name.label("venue_name"),
            Venue.capacity.label("venue_capacity"),
            trainers.label("trainers"),
            roster.label("roster"),
        )
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .outerjoin(Venue, Venue.id == func.coalesce(TrainingSession.venue_id, Module.venue_id))
        .where(
            TrainingSession.starts_at >= now,
            TrainingSession.starts_at < now + COMING,
            Module.status.in_(ACTIVE),
            planned_cycles(principal),
        )
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    found = []
    for r in (await session.execute(internal(stmt, "roster sizes and trainer counts: numbers only"))).all():
        problems = readiness(trainers=r.trainers, venue_capacity=r.venue_capacity, roster=r.roster)
        if problems:
            found.append(
                UpcomingSession(
                    id=r.id,
                    title=r.title,
                    starts_at=r.starts_at,
                    ends_at=r.ends_at,
                    time_zone=r.time_zone,
                    module=_module(r),
                    trainers=r.trainers,
                    venue_name=r.venue_name,
                    venue_capacity=r.venue_capacity,
                    roster=r.roster,
                    capacity=r.capacity,
                    problems=problems,
                )
            )
    return found


async def schedule_warnings(session: AsyncSession, *, principal: Principal, now: datetime) -> list[ScheduleWarning]:
    """Coming sessions of the modules still planned or run, with a clash or a calendar warning."""
    where = and_(TrainingSession.ends_at > now, Module.status.in_(ACTIVE), planned_cycles(principal))
    return [
        ScheduleWarning(
            id=p.id,
            title=p.title,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            time_zone=p.time_zone,
            module=p.module,
            clashes=p.clashes,
            warnings=p.warnings,
        )
        for p in await session_problems(session, where=where, only_troubled=True)
    ]


async def attendance_to_take(session: AsyncSession, *, principal: Principal, now: datetime) -> list[AttendanceToTake]:
    """Sessions that have started, latest first, where someone on the roster has no mark."""
    on_roster = and_(Nomination.module_id == TrainingSession.module_id, Nomination.status.in_(ON_ROSTER))
    marked_here = and_(
        AttendanceMark.session_id == TrainingSession.id, AttendanceMark.officer_id == Nomination.officer_id
    )
    # Two levels down, say which outer rows a mark is compared with (else SQLAlchemy would join
    # the sessions again inside and find any mark of the officer's).
    has_mark = exists(select(AttendanceMark.id).where(marked_here).correlate(TrainingSession, Nomination))
    roster = select(func.count(Nomination.id)).where(on_roster).correlate(TrainingSession).scalar_subquery()
    marked = select(func.count(Nomination.id)).where(on_roster, has_mark).correlate(TrainingSession)
    unmarked = exists(select(Nomination.id).where(on_roster, ~has_mark).correlate(TrainingSession))
    stmt = (
        select(
            TrainingSession.id,
            TrainingSession.title,
            TrainingSession.starts_at,
            TrainingSession.ends_at,
            Cycle.time_zone,
            Module.id.label("module_id"),
            Module.code,
            Module.title.label("module_title"),
            Module.status,
            roster.label("roster"),
            marked.scalar_subquery().label("marked"),
        )
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(TrainingSession.starts_at <= now, Module.status.in_(HELD), planned_cycles(principal), unmarked)
        .order_by(TrainingSession.starts_at.desc(), TrainingSession.id)
    )
    rows = (await session.execute(internal(stmt, "whether marks are due: counts only"))).all()
    return [
        AttendanceToTake(
            id=r.id,
            title=r.title,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            time_zone=r.time_zone,
            module=_module(r),
            roster=r.roster,
            marked=r.marked,
        )
        for r in rows
    ]
