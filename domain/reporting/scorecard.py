"""The per-agency scorecard of a cycle: nominated, enrolled and completed participations, and
attendance marks (attendance rate: present or late over marks recorded; no-show rate: absent
with reason no_show over marks recorded). One statement, which also gives the person-days: the
cycle's marks are summed per (module, officer) once for both."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Subquery, and_, case, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.agencies.tree import in_subtree
from domain.models.agencies import Agency
from domain.models.attendance import ATTENDED, AbsenceReason, AttendanceMark, AttendanceStatus
from domain.models.catalogue import DELIVERED, Module, TrainingSession
from domain.models.enrolment import ON_ROSTER, Nomination, NominationStatus
from domain.reporting.filters import Scope, agency_group, cycle_module_conditions
from domain.reporting.localtime import local_date


def _marks(scope: Scope) -> Subquery:
    """Marks per (module, officer) in the cycle, and the local days of a delivered module on which
    the officer was present or late (their person-days there)."""
    assert scope.cycle is not None  # resolve_scope was given the cycle's id
    own = aliased(Module)
    no_show = and_(AttendanceMark.status == AttendanceStatus.absent, AttendanceMark.reason == AbsenceReason.no_show)
    attended = AttendanceMark.status.in_(ATTENDED)
    day = local_date(scope.dialect, TrainingSession.starts_at, scope.cycle.time_zone, scope.zones)
    return (
        select(
            TrainingSession.module_id.label("module_id"),
            AttendanceMark.officer_id.label("officer_id"),
            func.count().label("marks"),
            func.count(case((attended, 1))).label("attended"),
            func.count(case((no_show, 1))).label("no_show"),
            func.count(distinct(case((and_(attended, own.status.in_(DELIVERED)), day)))).label("days"),
        )
        .join(TrainingSession, TrainingSession.id == AttendanceMark.session_id)
        .join(own, own.id == TrainingSession.module_id)
        .where(own.cycle_id == scope.cycle.id)
        .group_by(TrainingSession.module_id, AttendanceMark.officer_id)
        .subquery("marks")
    )


def _total(column: ColumnElement[Any]) -> ColumnElement[int]:
    return cast(func.coalesce(func.sum(column), 0), Integer)


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)


async def scorecard(session: AsyncSession, scope: Scope) -> tuple[list[dict[str, Any]], int]:
    """The scorecard rows, and the person-days of the seated nominations in scope (each day an
    officer was marked present or late at a delivered module they were on the roster of)."""
    marks = _marks(scope)
    seated = Nomination.status.in_(ON_ROSTER)
    key = agency_group(Agency.path, scope.agency_prefix).label("key")
    stmt = (
        select(
            key,
            func.count(Nomination.id).label("nominated"),
            func.count(case((seated, 1))).label("enrolled"),
            func.count(case((Nomination.status == NominationStatus.completed, 1))).label("completed"),
            _total(marks.c.marks).label("marks_recorded"),
            _total(marks.c.attended).label("attended_marks"),
            _total(marks.c.no_show).label("no_show_marks"),
            _total(case((seated, marks.c.days), else_=0)).label("person_days"),
        )
        .select_from(Nomination)
        .join(Module, Module.id == Nomination.module_id)
        .join(Agency, Agency.id == Nomination.agency_id)
        .outerjoin(marks, and_(marks.c.module_id == Nomination.module_id, marks.c.officer_id == Nomination.officer_id))
        .where(*cycle_module_conditions(scope))
        .group_by(key)
    )
    if scope.agency_prefix is not None:
        stmt = stmt.where(in_subtree(Agency.path, scope.agency_prefix))
    g = stmt.subquery("card")
    rows = await session.execute(
        select(g, Agency.id.label("agency_id"), Agency.name_en.label("label"))
        .join(Agency, Agency.path == g.c.key)
        .order_by(Agency.name_en, Agency.id)
    )
    card, person_days = [], 0
    for r in rows.mappings():
        person_days += r["person_days"]
        row = {
            k: r[k]
            for k in (
                "agency_id",
                "label",
                "nominated",
                "enrolled",
                "completed",
                "marks_recorded",
                "attended_marks",
                "no_show_marks",
            )
        }
        row["attendance_rate"] = _rate(r["attended_marks"], r["marks_recorded"])
        row["no_show_rate"] = _rate(r["no_show_marks"], r["marks_recorded"])
        row["suppressed"] = []
        card.append(row)
    return card, person_days
