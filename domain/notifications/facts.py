"""What a message says about a module and its sessions, read once per decision: the plan only
(titles, dates, venues, quotas), nothing of a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.calendar.ics import zone_name
from domain.models.catalogue import Module, TrainingSession, Venue, module_prerequisites, session_trainers
from domain.models.cycles import Cycle
from domain.models.enrolment import ModuleQuota


@dataclass(frozen=True)
class SessionFacts:
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None = None  # "name, city"
    trainer_ids: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class ModuleFacts:
    id: uuid.UUID
    cycle_id: uuid.UUID
    cycle_title: str
    code: str
    title: str
    status: str
    zone: str  # the cycle's time zone: every time of the message is written in it
    capacity: int
    deadline: datetime | None
    vetting: str
    languages: list[str]
    interpretation: bool
    prerequisites: list[str] = field(default_factory=list)  # "CODE title"
    sessions: list[SessionFacts] = field(default_factory=list)
    quotas: dict[uuid.UUID, int] = field(default_factory=dict)  # agency -> seats (not released)
    venue: str | None = None  # the module's venue, where sessions name none

    @property
    def first_day(self) -> datetime | None:
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def last_day(self) -> datetime | None:
        return max(s.ends_at for s in self.sessions) if self.sessions else None

    def session(self, session_id: uuid.UUID | None) -> SessionFacts | None:
        return next((s for s in self.sessions if s.id == session_id), None)


def _place(name: str | None, city: str | None) -> str | None:
    return f"{name}, {city}" if name and city else name


async def load_module(session: AsyncSession, module_id: uuid.UUID) -> ModuleFacts | None:
    venue = aliased(Venue)
    row = (
        await session.execute(
            select(Module, Cycle.title, Cycle.time_zone, venue.name, venue.city)
            .join(Cycle, Cycle.id == Module.cycle_id)
            .outerjoin(venue, venue.id == Module.venue_id)
            .where(Module.id == module_id)
        )
    ).first()
    if row is None:
        return None
    module: Module = row[0]
    cycle_title: str = row[1]
    zone: str = row[2]
    venue_name: str | None = row[3]
    venue_city: str | None = row[4]
    session_venue = aliased(Venue)
    rows = (
        await session.execute(
            select(TrainingSession.id, TrainingSession.title, TrainingSession.starts_at, TrainingSession.ends_at)
            .add_columns(session_venue.name, session_venue.city)
            .outerjoin(session_venue, session_venue.id == TrainingSession.venue_id)
            .where(TrainingSession.module_id == module_id)
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        )
    ).all()
    trainers: dict[uuid.UUID, set[uuid.UUID]] = {}
    if rows:
        for session_id, trainer_id in await session.execute(
            select(session_trainers.c.session_id, session_trainers.c.trainer_id).where(
                session_trainers.c.session_id.in_([r[0] for r in rows])
            )
        ):
            trainers.setdefault(session_id, set()).add(trainer_id)
    module_venue = _place(venue_name, venue_city)
    sessions = [
        SessionFacts(
            id=r[0],
            title=r[1],
            starts_at=r[2],
            ends_at=r[3],
            venue=_place(cast(str | None, r[4]), cast(str | None, r[5])) or module_venue,
            trainer_ids=frozenset(trainers.get(r[0], ())),
        )
        for r in rows
    ]
    prerequisite = aliased(Module)
    prerequisites = [
        f"{code} {title}"
        for code, title in await session.execute(
            select(prerequisite.code, prerequisite.title)
            .join(module_prerequisites, module_prerequisites.c.prerequisite_id == prerequisite.id)
            .where(module_prerequisites.c.module_id == module_id)
            .order_by(prerequisite.code)
        )
    ]
    quotas = {
        agency_id: seats
        for agency_id, seats in await session.execute(
            select(ModuleQuota.agency_id, ModuleQuota.seats).where(
                ModuleQuota.module_id == module_id, ModuleQuota.released_at.is_(None)
            )
        )
    }
    return ModuleFacts(
        id=module.id,
        cycle_id=module.cycle_id,
        cycle_title=cycle_title,
        code=module.code,
        title=module.title,
        status=module.status.value,
        zone=zone_name(zone),
        capacity=module.capacity,
        deadline=module.nomination_deadline,
        vetting=module.vetting_required.value,
        languages=list(module.languages or []),
        interpretation=module.interpretation,
        prerequisites=prerequisites,
        sessions=sessions,
        quotas=quotas,
        venue=module_venue,
    )
