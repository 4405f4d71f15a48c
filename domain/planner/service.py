"""The planner in one call: a fixed number of statements whatever the cycle holds (the cycle, the
sessions of the view with their clashes in two, their venues and trainers in two, and the choices
of the filters in four; tests/web/test_planner_statements.py counts them)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.attention.schedule import session_problems
from domain.attention.scope import planned_cycles
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.errors import NotFound
from domain.i18n import translatable
from domain.models.catalogue import Discipline, Module, ModuleStatus, Trainer, TrainingSession, Venue, session_trainers
from domain.models.cycles import Cycle
from domain.models.enrolment import ModuleQuota, Nomination
from domain.models.programmes import Programme
from domain.module_desk.schemas import Option
from domain.module_desk.sections import choices
from domain.planner import rules
from domain.planner.schemas import (
    CycleChoice,
    DisciplineChoice,
    PlannedSession,
    Planner,
    PlannerCycle,
    PlannerDay,
    PlannerFilters,
)


async def planned_cycle_choices(session: AsyncSession, *, principal: Principal) -> list[CycleChoice]:
    """The cycles the principal plans, latest first (one statement)."""
    authorize(principal, PLANNING_WRITE)
    rows = await session.execute(
        select(Cycle.id, Cycle.title, Programme.name, Cycle.starts_on, Cycle.ends_on)
        .join(Programme, Programme.id == Cycle.programme_id)
        .where(planned_cycles(principal))
        .order_by(Cycle.starts_on.desc(), Cycle.id)
    )
    return [CycleChoice(id=r[0], title=r[1], programme=r[2], starts_on=r[3], ends_on=r[4]) for r in rows]


def _filtered(
    principal: Principal, cycle_id: uuid.UUID, first: datetime, last: datetime, f: PlannerFilters
) -> ColumnElement[bool]:
    conds: list[ColumnElement[bool]] = [
        Module.cycle_id == cycle_id,
        Module.status != ModuleStatus.cancelled,
        TrainingSession.starts_at < last,
        TrainingSession.ends_at > first,
    ]
    if f.discipline:
        conds.append(Module.discipline == f.discipline)
    if f.venue_id:
        conds.append(TrainingSession.venue_id == f.venue_id)
    if f.trainer_id:
        conds.append(
            TrainingSession.id.in_(
                select(session_trainers.c.session_id).where(session_trainers.c.trainer_id == f.trainer_id)
            )
        )
    if f.agency_id:
        # Modules the agency has seats in or has nominated to.
        conds.append(
            Module.id.in_(
                union(
                    select(ModuleQuota.module_id).where(ModuleQuota.agency_id == f.agency_id),
                    select(Nomination.module_id).where(
                        Nomination.agency_id == f.agency_id, need_to_know.nominations(principal)
                    ),
                )
            )
        )
    return and_(*conds)


async def read_planner(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    view: rules.View = rules.View.month,
    on: date | None = None,
    filters: PlannerFilters | None = None,
    today: date | None = None,
) -> Planner:
    """For those who plan the cycle (its programme's coordinators, administrators); another
    programme's cycle is a 404, as if it did not exist."""
    authorize(principal, PLANNING_WRITE)
    filters = filters or PlannerFilters()
    cycle = await session.scalar(select(Cycle).where(Cycle.id == cycle_id, planned_cycles(principal)))
    if cycle is None:
        raise NotFound(translatable("No cycle with id {id}.", id=cycle_id), entity="cycles", id=str(cycle_id))
    zone = ZoneInfo(cycle.time_zone)
    if on is None:
        on = rules.anchor((today or datetime.now(UTC).astimezone(zone).date()), cycle.starts_on, cycle.ends_on)
    first, last = rules.span(view, on)
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    problems = await session_problems(session, where=_filtered(principal, cycle.id, start, end, filters))
    ids = [p.id for p in problems]
    details = {
        r.id: r
        for r in await session.execute(
            select(
                TrainingSession.id,
                TrainingSession.version,
                TrainingSession.venue_id,
                Venue.name.label("venue_name"),
                Module.discipline,
            )
            .join(Module, Module.id == TrainingSession.module_id)
            .outerjoin(Venue, Venue.id == TrainingSession.venue_id)
            .where(TrainingSession.id.in_(ids))
        )
    }
    teaching: dict[uuid.UUID, list[Option]] = defaultdict(list)
    for session_id, trainer_id, name, organisation in await session.execute(
        select(session_trainers.c.session_id, Trainer.id, Trainer.name, Trainer.organisation)
        .join(Trainer, Trainer.id == session_trainers.c.trainer_id)
        .where(session_trainers.c.session_id.in_(ids))
        .order_by(Trainer.name)
    ):
        teaching[session_id].append(Option(id=trainer_id, name=name, detail=organisation))
    by_day: dict[date, list[PlannedSession]] = defaultdict(list)
    for p in problems:
        d = details[p.id]
        by_day[p.starts_at.astimezone(zone).date()].append(
            PlannedSession(
                id=p.id,
                version=d.version,
                title=p.title,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                module_id=p.module.id,
                module_code=p.module.code,
                module_title=p.module.title,
                module_status=str(p.module.status),
                discipline=d.discipline,
                venue_id=d.venue_id,
                venue_name=d.venue_name,
                trainers=teaching.get(p.id, []),
                clashes=p.clashes,
                warnings=p.warnings,
            )
        )
    holidays = {str(h["date"]): str(h.get("name") or "") for h in cycle.holidays}
    weeks = [
        [
            PlannerDay(
                day=d,
                in_view=view is rules.View.week or d.month == on.month,
                working=rules.WEEKDAYS[d.weekday()] in cycle.working_days,
                holiday=holidays.get(d.isoformat()),
                sessions=by_day.get(d, []),
            )
            for d in week
        ]
        for week in rules.weeks(first, last)
    ]
    previous, following = rules.neighbours(view, on)
    disciplines = [
        DisciplineChoice(code=code, label_en=label_en, label_ar=label_ar)
        for code, label_en, label_ar in await session.execute(
            select(Discipline.code, Discipline.label_en, Discipline.label_ar).order_by(Discipline.label_en)
        )
    ]
    venues, trainers, agencies = await choices(session)
    return Planner(
        cycle=PlannerCycle(
            id=cycle.id,
            title=cycle.title,
            time_zone=cycle.time_zone,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            working_days=list(cycle.working_days),
        ),
        view=view,
        on=on,
        first=first,
        last=last,
        previous=previous,
        next=following,
        weeks=weeks,
        filters=filters,
        disciplines=disciplines,
        venues=venues,
        trainers=trainers,
        agencies=agencies,
    )
