"""What the module page shows, section by section."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from domain.accounts.audit_log import AuditEntryRead
from domain.attendance.schemas import RosterRead
from domain.catalogue.schemas import ModuleRead
from domain.enrolment.schemas import BalanceRead, QuotasRead
from domain.models.catalogue import ModuleStatus
from domain.models.certificates import CertificateKind
from domain.models.enrolment import NominationRole, NominationStatus
from domain.models.officers import Sex
from domain.models.vetting import VettingStatus
from domain.schemas import ScheduleConflict, Warning_


@dataclass(frozen=True)
class Option:
    """A choice in a form: a venue, a trainer, an agency (names in both languages where known)."""

    id: uuid.UUID
    name: str
    name_ar: str | None = None
    detail: str | None = None  # a venue's city and capacity, a trainer's organisation
    depth: int = 0  # an agency's depth in the tree


@dataclass
class SessionRow:
    id: uuid.UUID
    version: int
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_id: uuid.UUID | None
    venue_name: str | None
    trainers: list[Option]
    override_reason: str | None
    marked: int
    clashes: list[ScheduleConflict] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)


@dataclass
class Nominee:
    """A nomination as the decision needs it: who (as the principal may see them), from where,
    and what accepting them now would meet."""

    nomination_id: uuid.UUID
    version: int
    status: NominationStatus
    role: NominationRole
    priority: int
    created_at: datetime
    officer_id: uuid.UUID
    full_name_ar: str
    name_latin: str
    sex: Sex
    agency_id: uuid.UUID
    agency_name_en: str
    agency_name_ar: str
    limit: Literal["capacity", "quota"] | None = None  # what refuses an acceptance now
    share_if_accepted: float | None = None  # the roster's female share once this one is in


@dataclass
class VettingRow:
    officer_id: uuid.UUID
    full_name_ar: str
    name_latin: str
    reason: str
    vetting_id: uuid.UUID | None  # the request still open, whose result can be recorded
    vetting_version: int | None
    status: VettingStatus | None
    needed_by: date | None


@dataclass
class CertificateRow:
    id: uuid.UUID
    version: int
    officer_id: uuid.UUID
    name_latin: str
    full_name_ar: str
    kind: CertificateKind
    verification_code: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


@dataclass
class Paging:
    """Where each paged section of the page starts (the cursors of its links)."""

    nominations: str | None = None
    certificates: str | None = None
    trail: str | None = None


@dataclass
class ModuleDesk:
    module: ModuleRead
    cycle_title: str
    programme_id: uuid.UUID
    time_zone: str
    target: float
    venue_name: str | None
    transitions: list[ModuleStatus]
    first_start: datetime | None
    last_end: datetime | None
    sessions: list[SessionRow]
    venues: list[Option]
    trainers: list[Option]
    agencies: list[Option]
    quotas: QuotasRead
    quotas_tag: int
    balance: BalanceRead
    to_decide: list[Nominee]
    to_decide_next: str | None
    waitlist: list[Nominee]
    waitlist_tag: int
    roster: RosterRead
    certificates: list[CertificateRow]
    certificates_next: str | None
    vetting: list[VettingRow] | None  # None: the module needs no vetting
    trail: list[AuditEntryRead]
    trail_next: str | None
    now: datetime

    @property
    def agency_names(self) -> dict[uuid.UUID, Option]:
        return {a.id: a for a in self.agencies}
