"""Double bookings and calendar warnings of many sessions at once, in two statements whatever
their number: the sessions, then every clash of theirs (venue and trainer, one union). The same
rules as scheduling one session (domain/catalogue/scheduling.py): a clash is an overlap with a
session of a module that is not cancelled, sharing the venue or a trainer; warnings are the
cycle's non-working days, its holidays and its dates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.attention.schemas import ModuleBrief
from domain.catalogue.scheduling import calendar_warnings
from domain.models.catalogue import Module, ModuleStatus, Trainer, TrainingSession, Venue, session_trainers
from domain.models.cycles import Cycle
from domain.schemas import BookedModule, BookedResource, BookedSession, ScheduleConflict, Warning_


@dataclass
class SessionProblems:
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    module: ModuleBrief
    clashes: list[ScheduleConflict] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def troubled(self) -> bool:
        return bool(self.clashes or self.warnings)


def _sessions(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    return (
        select(
            TrainingSession.id,
            TrainingSession.title,
            TrainingSession.starts_at,
            TrainingSession.ends_at,
            Module.id.label("module_id"),
            Module.code,
            Module.title.label("module_title"),
            Module.status,
            Cycle.time_zone,
            Cycle.working_days,
            Cycle.holidays,
            Cycle.starts_on,
            Cycle.ends_on,
        )
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(where)
    )


def _clashes(where: ColumnElement[bool]) -> CompoundSelect[*tuple[Any, ...]]:
    """(session, kind, resource id, resource name, the other session and its module) for every
    overlap of a chosen session with another sharing its venue or a trainer."""
    mine, other = aliased(TrainingSession), aliased(TrainingSession)
    theirs = aliased(Module)
    chosen = (
        select(TrainingSession.id)
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(where)
    )
    overlap = and_(other.id != mine.id, other.starts_at < mine.ends_at, mine.starts_at < other.ends_at)
    other_columns = (other.id, other.title, other.starts_at, other.ends_at, theirs.id, theirs.code, theirs.title)
    by_venue = (
        select(mine.id.label("session_id"), literal("venue").label("kind"), Venue.id, Venue.name, *other_columns)
        .select_from(mine)
        .join(other, and_(other.venue_id == mine.venue_id, overlap))
        .join(Venue, Venue.id == mine.venue_id)
        .join(theirs, theirs.id == other.module_id)
        .where(mine.id.in_(chosen), theirs.status != ModuleStatus.cancelled)
    )
    st_mine, st_other = session_trainers.alias("st_mine"), session_trainers.alias("st_other")
    by_trainer = (
        select(mine.id.label("session_id"), literal("trainer").label("kind"), Trainer.id, Trainer.name, *other_columns)
        .select_from(mine)
        .join(st_mine, st_mine.c.session_id == mine.id)
        .join(st_other, and_(st_other.c.trainer_id == st_mine.c.trainer_id, st_other.c.session_id != mine.id))
        .join(other, and_(other.id == st_other.c.session_id, overlap))
        .join(Trainer, Trainer.id == st_mine.c.trainer_id)
        .join(theirs, theirs.id == other.module_id)
        .where(mine.id.in_(chosen), theirs.status != ModuleStatus.cancelled)
    )
    return union_all(by_venue, by_trainer)


async def session_problems(
    session: AsyncSession, *, where: ColumnElement[bool], only_troubled: bool = False
) -> list[SessionProblems]:
    """The sessions `where` chooses (a condition on TrainingSession, Module and Cycle), soonest
    first, each with its clashes and calendar warnings."""
    rows = (await session.execute(_sessions(where).order_by(TrainingSession.starts_at, TrainingSession.id))).all()
    if not rows:
        return []
    found: dict[uuid.UUID, SessionProblems] = {}
    for r in rows:
        found[r.id] = SessionProblems(
            id=r.id,
            title=r.title,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            time_zone=r.time_zone,
            module=ModuleBrief(id=r.module_id, code=r.code, title=r.module_title, status=r.status),
            warnings=[
                Warning_(**w)
                for w in calendar_warnings(
                    r.starts_at,
                    r.ends_at,
                    time_zone=r.time_zone,
                    working_days=r.working_days,
                    holidays=r.holidays,
                    cycle_starts_on=r.starts_on,
                    cycle_ends_on=r.ends_on,
                )
            ],
        )
    clashes = (await session.execute(_clashes(where))).all()
    for c in sorted(clashes, key=lambda c: (c[6], str(c[4]), c[1])):
        session_id, kind, resource_id, resource_name, other_id, title, starts_at, ends_at, mid, code, mtitle = c
        found[session_id].clashes.append(
            ScheduleConflict(
                resource=BookedResource(kind=kind, id=resource_id, name=resource_name),
                session=BookedSession(id=other_id, title=title, starts_at=starts_at, ends_at=ends_at),
                module=BookedModule(id=mid, code=code, title=mtitle),
            )
        )
    problems = list(found.values())
    return [p for p in problems if p.troubled] if only_troubled else problems
