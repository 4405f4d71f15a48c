"""The trainer's view of their work: the sessions they teach with attendance counts ("my
sessions"), one session's attendance sheet, and "mark every unmarked participant present".

Reads cost a constant number of statements whatever the number of sessions or participants; the
sheet goes through need-to-know like the roster (a trainer sees what they teach, any other session
is a 404), and its reads by trainers are logged."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, and_, exists, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.access.teaching import session_for, sessions_taught
from domain.attendance.schemas import AttendanceMarkIn, AttendancePut, AttendanceRead
from domain.attendance.service import get_attendance, put_attendance
from domain.attendance.sheet_schemas import (
    AttendanceCounts,
    AttendanceSheetRead,
    SessionsPart,
    SheetRow,
    TaughtSessionRead,
)
from domain.audit.service import record_read
from domain.auth.policy import ATTENDANCE_WRITE, ROSTERS_READ, authorize
from domain.auth.principal import Principal, Role
from domain.models.agencies import Agency
from domain.models.attendance import Assessment, AttendanceMark, AttendanceStatus
from domain.models.catalogue import Module, TrainingSession, Venue
from domain.models.cycles import Cycle
from domain.models.enrolment import ON_ROSTER, Nomination
from domain.models.officers import Officer
from domain.pagination import Paged, decode_cursor, encode_cursor

COMING_DAYS = 7  # today and the seven days after it


def _sessions() -> Select[*tuple[Any, ...]]:
    return (
        select(
            TrainingSession.id,
            TrainingSession.title,
            TrainingSession.starts_at,
            TrainingSession.ends_at,
            TrainingSession.module_id,
            Cycle.time_zone,
            Module.code.label("module_code"),
            Module.title.label("module_title"),
            Venue.name.label("venue_name"),
            Venue.city.label("venue_city"),
        )
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .outerjoin(Venue, Venue.id == func.coalesce(TrainingSession.venue_id, Module.venue_id))
    )


def _unmarked(session_id: Any, module_id: Any) -> ColumnElement[bool]:
    """A participant on the module's roster without a mark for the session."""
    marked = (
        select(AttendanceMark.id)
        .where(AttendanceMark.session_id == session_id, AttendanceMark.officer_id == Nomination.officer_id)
        .correlate(TrainingSession, Nomination)  # two levels down: say which outer rows it compares with
    )
    return exists(
        select(Nomination.id)
        .where(Nomination.module_id == module_id, Nomination.status.in_(ON_ROSTER), ~exists(marked))
        .correlate(TrainingSession)
    )


async def _days(session: AsyncSession, principal: Principal, now: datetime) -> dict[str, datetime]:
    """The start of today in each zone the principal's sessions are in (one statement)."""
    zones = await session.scalars(
        select(Cycle.time_zone)
        .distinct()
        .join(Module, Module.cycle_id == Cycle.id)
        .join(TrainingSession, TrainingSession.module_id == Module.id)
        .where(sessions_taught(principal))
    )
    starts = {}
    for zone in zones:
        tz = ZoneInfo(zone)
        starts[zone] = datetime.combine(now.astimezone(tz).date(), time(), tzinfo=tz)
    return starts


def _window(part: SessionsPart, days: dict[str, datetime], now: datetime) -> ColumnElement[bool]:
    """`coming`: sessions starting today or in the next seven days in their cycle's zone, and any
    still running (one that began before midnight is not yet to take); `to_take`: earlier, ended."""
    if not days:
        return false()
    starts, ends = TrainingSession.starts_at, TrainingSession.ends_at
    if part == "coming":
        return or_(
            *(
                and_(
                    Cycle.time_zone == zone,
                    or_(
                        and_(starts >= start, starts < start + timedelta(days=COMING_DAYS + 1)),
                        and_(starts < start, ends > now),
                    ),
                )
                for zone, start in days.items()
            )
        )
    return or_(*(and_(Cycle.time_zone == zone, starts < start, ends <= now) for zone, start in days.items()))


async def list_taught_sessions(
    session: AsyncSession,
    *,
    principal: Principal,
    part: SessionsPart,
    now: datetime,
    limit: int,
    cursor: str | None,
) -> Paged[TaughtSessionRead]:
    """A trainer's sessions: `coming` (running now, today and the next seven days, soonest first) or
    `to_take` (earlier, ended sessions where someone on the roster has no mark yet, latest first). Other accounts
    teach none: their list is empty."""
    authorize(principal, ROSTERS_READ)
    order = (TrainingSession.starts_at, TrainingSession.id)
    after = decode_cursor(cursor, order) if cursor else None  # a foreign cursor is a 422, whoever asks
    if principal.role is not Role.trainer or principal.trainer_id is None:
        return [], None  # only a trainer's account teaches sessions
    days = await _days(session, principal, now)
    stmt = _sessions().where(sessions_taught(principal), _window(part, days, now))
    if part == "to_take":
        stmt = internal(stmt.where(_unmarked(TrainingSession.id, TrainingSession.module_id)), "whether a mark is due")
    if after is not None:
        stmt = stmt.where(tuple_(*order) > tuple_(*after) if part == "coming" else tuple_(*order) < tuple_(*after))
    ordering = order if part == "coming" else tuple(c.desc() for c in order)
    rows = (await session.execute(stmt.order_by(*ordering).limit(limit + 1))).all()
    next_cursor = encode_cursor([rows[limit - 1].starts_at, rows[limit - 1].id]) if len(rows) > limit else None
    return await _with_counts(session, rows[:limit]), next_cursor


async def _participants(session: AsyncSession, module_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    stmt = (
        select(Nomination.module_id, func.count())
        .where(Nomination.module_id.in_(module_ids), Nomination.status.in_(ON_ROSTER))
        .group_by(Nomination.module_id)
    )
    return {m: n for m, n in (await session.execute(internal(stmt, "roster sizes: counts only"))).all()}


async def _marks(session: AsyncSession, session_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Per session, the marks per status of the participants on its module's roster."""
    stmt = (
        select(AttendanceMark.session_id, AttendanceMark.status, func.count())
        .join(TrainingSession, TrainingSession.id == AttendanceMark.session_id)
        .join(
            Nomination,
            and_(
                Nomination.module_id == TrainingSession.module_id,
                Nomination.officer_id == AttendanceMark.officer_id,
                Nomination.status.in_(ON_ROSTER),
            ),
        )
        .where(AttendanceMark.session_id.in_(session_ids))
        .group_by(AttendanceMark.session_id, AttendanceMark.status)
    )
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for session_id, status, n in (await session.execute(internal(stmt, "marks per status: counts only"))).all():
        counts.setdefault(session_id, {})[AttendanceStatus(status).value] = n
    return counts


async def _with_counts(session: AsyncSession, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[TaughtSessionRead]:
    if not rows:
        return []
    sizes = await _participants(session, {r.module_id for r in rows})
    marks = await _marks(session, [r.id for r in rows])
    return [_read(r, sizes.get(r.module_id, 0), marks.get(r.id, {})) for r in rows]


def _read(row: Row[*tuple[Any, ...]], participants: int, marks: dict[str, int]) -> TaughtSessionRead:
    return TaughtSessionRead(
        id=row.id,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        time_zone=row.time_zone,
        module_id=row.module_id,
        module_code=row.module_code,
        module_title=row.module_title,
        venue_name=row.venue_name,
        venue_city=row.venue_city,
        participants=participants,
        counts=AttendanceCounts(**marks, unmarked=max(0, participants - sum(marks.values()))),
    )


async def get_attendance_sheet(
    session: AsyncSession, *, principal: Principal, session_id: uuid.UUID, now: datetime
) -> AttendanceSheetRead:
    """The session, and everyone on its module's roster (as the principal may see them) with their
    mark for the session and their scores for the module, by Latin name."""
    authorize(principal, ROSTERS_READ)
    ts = await session_for(session, principal, session_id, write=False)
    head = (await session.execute(_sessions().where(TrainingSession.id == ts.id))).one()
    stmt = (
        select(
            Officer.id.label("officer_id"),
            Officer.full_name_ar,
            Officer.name_latin,
            Officer.agency_id,
            Agency.name_en.label("agency_name_en"),
            Agency.name_ar.label("agency_name_ar"),
            AttendanceMark.status,
            AttendanceMark.reason,
            AttendanceMark.cause,
            AttendanceMark.note,
            AttendanceMark.recorded_by,
            Assessment.pre_test,
            Assessment.post_test,
        )
        .select_from(Nomination)
        .join(Officer, Officer.id == Nomination.officer_id)
        .join(Agency, Agency.id == Officer.agency_id)
        .outerjoin(AttendanceMark, and_(AttendanceMark.session_id == ts.id, AttendanceMark.officer_id == Officer.id))
        .outerjoin(Assessment, and_(Assessment.module_id == ts.module_id, Assessment.officer_id == Officer.id))
        .where(
            Nomination.module_id == ts.module_id,
            Nomination.status.in_(ON_ROSTER),
            need_to_know.roster_participants(principal),
        )
        .order_by(Officer.name_latin_key, Officer.id)
    )
    rows = [SheetRow.model_validate(r, from_attributes=True) for r in (await session.execute(stmt)).all()]
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity="attendance_sheet",
            filters={"session_id": ts.id},
            row_count=len(rows),
        )
    marks = {s.value: sum(1 for r in rows if r.status is s) for s in AttendanceStatus}
    return AttendanceSheetRead(
        session=_read(head, len(rows), marks),
        started=ts.starts_at <= now,
        participants=rows,
    )


async def mark_unmarked_present(
    session: AsyncSession, *, principal: Principal, session_id: uuid.UUID
) -> AttendanceRead:
    """Everyone on the roster without a mark for the session is marked present; a mark already
    taken is never changed (Blackboard's "fill blanks", then fix the exceptions). Through the
    attendance service, so its rules (not before the session starts), audit and events apply."""
    authorize(principal, ATTENDANCE_WRITE)
    ts = await session_for(session, principal, session_id, write=True)
    unmarked = select(Nomination.officer_id).where(
        Nomination.module_id == ts.module_id,
        Nomination.status.in_(ON_ROSTER),
        ~exists(
            select(AttendanceMark.id).where(
                AttendanceMark.session_id == ts.id, AttendanceMark.officer_id == Nomination.officer_id
            )
        ),
        Nomination.officer_id.in_(select(Officer.id).where(need_to_know.roster_participants(principal))),
    )
    officer_ids = list(await session.scalars(unmarked))
    if not officer_ids:
        return await get_attendance(session, principal=principal, session_id=ts.id)
    marks = [AttendanceMarkIn(officer_id=o, status=AttendanceStatus.present) for o in officer_ids]
    return await put_attendance(
        session, principal=principal, session_id=ts.id, data=AttendancePut(marks=marks), keep_marked=True
    )
