"""A module's roster: per participant, attendance counted in SQL (GROUP BY), both rates,
minimum attendance, scores and the completion rule. A constant number of queries whatever the
number of participants, sessions or marks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Subquery, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.teaching import module_for
from domain.attendance import rules
from domain.attendance.schemas import RosterEntry, RosterRead
from domain.audit.service import record_read
from domain.auth.policy import ROSTERS_READ, authorize
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.models.attendance import ATTENDED, Assessment, AttendanceMark, AttendanceStatus
from domain.models.catalogue import Module, TrainingSession
from domain.models.enrolment import ON_ROSTER, Nomination
from domain.models.officers import Officer


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def attendance_counts(module_id: uuid.UUID, now: datetime) -> Subquery:
    """Per officer, over the module's sessions: attended (present or late), attended among the
    sessions held by `now`, excused and absent. A subquery, one row per officer with marks."""
    attended = AttendanceMark.status.in_(ATTENDED)
    return (
        select(
            AttendanceMark.officer_id.label("officer_id"),
            _count_if(attended).label("attended"),
            _count_if(and_(attended, TrainingSession.starts_at <= now)).label("attended_held"),
            _count_if(AttendanceMark.status == AttendanceStatus.excused).label("excused"),
            _count_if(AttendanceMark.status == AttendanceStatus.absent).label("absent"),
        )
        .join(TrainingSession, TrainingSession.id == AttendanceMark.session_id)
        .where(TrainingSession.module_id == module_id)
        .group_by(AttendanceMark.officer_id)
        .subquery("attendance_counts")
    )


async def session_counts(session: AsyncSession, module_id: uuid.UUID, now: datetime) -> tuple[int, int]:
    """(all sessions, sessions held by `now`) of the module, in one query."""
    row = (
        await session.execute(
            select(func.count(TrainingSession.id), _count_if(TrainingSession.starts_at <= now)).where(
                TrainingSession.module_id == module_id
            )
        )
    ).one()
    return int(row[0]), int(row[1])


def entry(row: Row[*tuple[Any, ...]], *, module: Module, total: int, held: int) -> RosterEntry:
    rate_overall = rules.rate(row.attended, total)
    met = rules.minimum_met(rate_overall, module.completion_threshold)
    return RosterEntry(
        officer_id=row.officer_id,
        full_name_ar=row.full_name_ar,
        name_latin=row.name_latin,
        sex=row.sex,
        agency_id=row.agency_id,
        nomination_status=row.status,
        sessions_total=total,
        sessions_held=held,
        attended=row.attended,
        excused=row.excused,
        absent=row.absent,
        attendance_rate_so_far=rules.rate(row.attended_held, held),
        attendance_rate_overall=rate_overall,
        minimum_attendance_met=met,
        pre_test=row.pre_test,
        post_test=row.post_test,
        improved=rules.improved(row.pre_test, row.post_test),
        completed=rules.completed(met),
    )


async def get_roster(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> RosterRead:
    authorize(principal, ROSTERS_READ)
    module = await module_for(session, principal, module_id, write=False)
    now = utcnow()
    total, held = await session_counts(session, module.id, now)
    counts = attendance_counts(module.id, now)
    stmt = (
        select(
            Officer.id.label("officer_id"),
            Officer.full_name_ar,
            Officer.name_latin,
            Officer.sex,
            Officer.agency_id,
            Nomination.status,
            func.coalesce(counts.c.attended, 0).label("attended"),
            func.coalesce(counts.c.attended_held, 0).label("attended_held"),
            func.coalesce(counts.c.excused, 0).label("excused"),
            func.coalesce(counts.c.absent, 0).label("absent"),
            Assessment.pre_test,
            Assessment.post_test,
        )
        .select_from(Nomination)
        .join(Officer, Officer.id == Nomination.officer_id)
        .outerjoin(counts, counts.c.officer_id == Nomination.officer_id)
        .outerjoin(
            Assessment,
            and_(Assessment.module_id == Nomination.module_id, Assessment.officer_id == Nomination.officer_id),
        )
        .where(
            Nomination.module_id == module.id,
            Nomination.status.in_(ON_ROSTER),
            need_to_know.roster_participants(principal),
        )
        .order_by(Officer.name_latin_key, Officer.id)
    )
    rows = (await session.execute(stmt)).all()
    if need_to_know.logs_reads(principal):
        record_read(
            session, principal=principal, entity="roster", filters={"module_id": module.id}, row_count=len(rows)
        )
    return RosterRead(
        module_id=module.id,
        completion_threshold=module.completion_threshold,
        pass_mark=module.pass_mark,
        sessions_total=total,
        sessions_held=held,
        participants=[entry(r, module=module, total=total, held=held) for r in rows],
    )
