"""What a message says about a module and its sessions, read once per decision: the plan only
(titles, dates, venues, quotas), nothing of a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Uuid, bindparam, select
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


# Built once: a decision reads a module's facts on every accepted, moved or cancelled seat, in the
# transaction of that write, so the statements' construction is not paid per request. Columns,
# not ORM entities: the facts are plain values.
_VENUE, _SESSION_VENUE, _PREREQUISITE = aliased(Venue), aliased(Venue), aliased(Module)
_MODULE_ID: BindParameter[uuid.UUID] = bindparam("module_id", type_=Uuid())
_MODULE = (
    select(
        Module.id,
        Module.cycle_id,
        Cycle.title,
        Cycle.time_zone,
        Module.code,
        Module.title,
        Module.status,
        Module.capacity,
        Module.nomination_deadline,
        Module.vetting_required,
        Module.languages,
        Module.interpretation,
        _VENUE.name,
        _VENUE.city,
    )
    .join(Cycle, Cycle.id == Module.cycle_id)
    .outerjoin(_VENUE, _VENUE.id == Module.venue_id)
    .where(Module.id == _MODULE_ID)
)
# Each session once per trainer (or once with none): one statement for both.
_SESSIONS = (
    select(
        TrainingSession.id,
        TrainingSession.title,
        TrainingSession.starts_at,
        TrainingSession.ends_at,
        _SESSION_VENUE.name,
        _SESSION_VENUE.city,
        session_trainers.c.trainer_id,
    )
    .outerjoin(_SESSION_VENUE, _SESSION_VENUE.id == TrainingSession.venue_id)
    .outerjoin(session_trainers, session_trainers.c.session_id == TrainingSession.id)
    .where(TrainingSession.module_id == _MODULE_ID)
    .order_by(TrainingSession.starts_at, TrainingSession.id)
)
_PREREQUISITES = (
    select(_PREREQUISITE.code, _PREREQUISITE.title)
    .join(module_prerequisites, module_prerequisites.c.prerequisite_id == _PREREQUISITE.id)
    .where(module_prerequisites.c.module_id == _MODULE_ID)
    .order_by(_PREREQUISITE.code)
)
_QUOTAS = select(ModuleQuota.agency_id, ModuleQuota.seats).where(
    ModuleQuota.module_id == _MODULE_ID, ModuleQuota.released_at.is_(None)
)


async def load_module(session: AsyncSession, module_id: uuid.UUID) -> ModuleFacts | None:
    conn = await session.connection()
    bound = {"module_id": module_id}
    row: Any = (await conn.execute(_MODULE, bound)).first()
    if row is None:
        return None
    (mid, cycle_id, cycle_title, zone, code, title, status, capacity, deadline, vetting, languages, interpretation) = (
        row[:12]
    )
    module_venue = _place(row[12], row[13])
    sessions: dict[uuid.UUID, tuple[Any, ...]] = {}
    trainers: dict[uuid.UUID, set[uuid.UUID]] = {}
    for r in await conn.execute(_SESSIONS, bound):
        sessions.setdefault(r[0], tuple(r[:6]))
        if r[6] is not None:
            trainers.setdefault(r[0], set()).add(r[6])
    facts = [
        SessionFacts(
            id=r[0],
            title=r[1],
            starts_at=r[2],
            ends_at=r[3],
            venue=_place(cast(str | None, r[4]), cast(str | None, r[5])) or module_venue,
            trainer_ids=frozenset(trainers.get(r[0], ())),
        )
        for r in sessions.values()
    ]
    prerequisites = [f"{p_code} {p_title}" for p_code, p_title in await conn.execute(_PREREQUISITES, bound)]
    quotas = {agency_id: seats for agency_id, seats in await conn.execute(_QUOTAS, bound)}
    return ModuleFacts(
        id=mid,
        cycle_id=cycle_id,
        cycle_title=cycle_title,
        code=code,
        title=title,
        status=status.value,
        zone=zone_name(zone),
        capacity=capacity,
        deadline=deadline,
        vetting=vetting.value,
        languages=list(languages or []),
        interpretation=interpretation,
        prerequisites=prerequisites,
        sessions=facts,
        quotas=quotas,
        venue=module_venue,
    )
