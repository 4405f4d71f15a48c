"""What the planner shows: the cycle, the days of the view with their sessions, and the choices of
its filters and forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.module_desk.schemas import Option
from domain.planner.rules import View
from domain.schemas import ScheduleConflict, Warning_


@dataclass(frozen=True)
class PlannerFilters:
    discipline: str | None = None
    venue_id: uuid.UUID | None = None
    trainer_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None


@dataclass
class PlannedSession:
    id: uuid.UUID
    version: int
    title: str
    starts_at: datetime
    ends_at: datetime
    module_id: uuid.UUID
    module_code: str
    module_title: str
    module_status: str
    discipline: str
    venue_id: uuid.UUID | None
    venue_name: str | None
    trainers: list[Option] = field(default_factory=list)
    clashes: list[ScheduleConflict] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)


@dataclass
class PlannerDay:
    day: date
    in_view: bool  # in the month shown (always, in a week)
    working: bool
    holiday: str | None
    sessions: list[PlannedSession] = field(default_factory=list)


@dataclass
class PlannerCycle:
    id: uuid.UUID
    title: str
    time_zone: str
    starts_on: date
    ends_on: date
    working_days: list[str]


@dataclass(frozen=True)
class DisciplineChoice:
    code: str
    label_en: str
    label_ar: str | None


@dataclass
class Planner:
    cycle: PlannerCycle
    view: View
    on: date
    first: date
    last: date
    previous: date
    next: date
    weeks: list[list[PlannerDay]]
    filters: PlannerFilters
    disciplines: list[DisciplineChoice]
    venues: list[Option]
    trainers: list[Option]
    agencies: list[Option]

    @property
    def sessions(self) -> list[PlannedSession]:
        return [s for week in self.weeks for d in week for s in d.sessions]

    @property
    def clashing(self) -> int:
        return sum(1 for s in self.sessions if s.clashes)


@dataclass
class CycleChoice:
    id: uuid.UUID
    title: str
    programme: str
    starts_on: date
    ends_on: date
