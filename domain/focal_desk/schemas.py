"""What the focal point's workspace shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from domain.catalogue.models import ModuleFormat, VettingType
from domain.enrolment.models import NominationRole, NominationStatus
from domain.officers.models import Sex


@dataclass
class OpenCall:
    """A module open for nominations, as my agency sees it."""

    module_id: uuid.UUID
    code: str
    title: str
    format: ModuleFormat
    cycle_title: str
    time_zone: str
    first_start: datetime | None
    last_end: datetime | None
    deadline: datetime | None
    capacity: int
    quota: int | None  # the active quota covering my agency (its own or a parent's), if any
    used: int  # seats held by my agency's officers (and its sub-units')
    left: int  # seats my agency can still be given
    nominated: int  # my nominations still in play
    prerequisites: list[str]
    vetting: VettingType
    target: float
    accepting: bool  # open, and the deadline not passed: I may nominate


@dataclass
class Step:
    at: datetime
    actor_name: str
    from_status: str | None
    to_status: str
    reason: str | None


VettingState = Literal["none", "not_requested", "pending", "approved", "expired", "refused"]


@dataclass
class MyNomination:
    id: uuid.UUID
    version: int
    module_id: uuid.UUID
    module_code: str
    module_title: str
    officer_id: uuid.UUID
    name_ar: str
    name_latin: str
    sex: Sex
    role: NominationRole
    priority: int
    status: NominationStatus
    created_at: datetime
    promoted: bool  # enrolled from the waitlist
    waitlist_position: int | None  # 1 = next in line
    declined_reason: str | None
    vetting: VettingState
    history: list[Step] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.status in (NominationStatus.submitted, NominationStatus.waitlisted, NominationStatus.enrolled)


@dataclass
class Meter:
    """The women's share of my nominations for a module (those still in play or on the roster),
    and with the officers ticked on the form added: watched, never used to refuse anyone."""

    female: int
    male: int
    adding_female: int
    adding_male: int
    target: float

    @property
    def share(self) -> float | None:
        total = self.female + self.male
        return None if total == 0 else self.female / total

    @property
    def share_with_selection(self) -> float | None:
        total = self.female + self.male + self.adding_female + self.adding_male
        return None if total == 0 else (self.female + self.adding_female) / total

    @property
    def adding(self) -> int:
        return self.adding_female + self.adding_male

    @property
    def below(self) -> bool:
        shown = self.share_with_selection
        return shown is not None and shown < self.target
