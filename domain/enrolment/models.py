import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.catalogue.models import VettingType
from domain.db import Base, Entity, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class NominationRole(StrEnum):
    participant = "participant"
    alternate = "alternate"


class NominationStatus(StrEnum):
    submitted = "submitted"
    enrolled = "enrolled"
    waitlisted = "waitlisted"
    rejected = "rejected"
    withdrawn = "withdrawn"
    completed = "completed"
    not_completed = "not_completed"
    vetting_failed = "vetting_failed"


# A participant holds or has held a seat in these statuses (rosters, balance, reports, calendars).
ENROLLED_OR_AFTER = (NominationStatus.enrolled, NominationStatus.completed, NominationStatus.not_completed)
PENDING = (NominationStatus.submitted, NominationStatus.waitlisted)


class ModuleQuota(Entity):
    """Seats reserved for (and capped at) an agency and its sub-units, possibly before names are
    known. Released quotas no longer reserve or cap: their unclaimed seats return to the pool."""

    __tablename__ = "module_quotas"
    __table_args__ = (UniqueConstraint("module_id", "agency_id"), CheckConstraint("seats >= 0", name="seats_not_negative"))

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    released_at: Mapped[datetime | None] = mapped_column()


class Nomination(Entity):
    """An agency's proposal of a named officer for a module; not a commitment until enrolled."""

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("module_id", "officer_id"),)

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id"), index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    # The officer's unit when nominated: quotas and agency reports count by it.
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[NominationRole] = mapped_column(enum_column(NominationRole, "role"))
    priority: Mapped[int] = mapped_column(Integer, default=100)
    # Coordinators may reorder the waitlist; lower comes first, ties by priority then time.
    queue_rank: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    late_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[NominationStatus] = mapped_column(
        enum_column(NominationStatus, "status"), default=NominationStatus.submitted, index=True
    )
    nominated_by: Mapped[str] = mapped_column(String(200))


class NominationChange(Base):
    """Append-only history of a nomination's status: who, when, from, to, why."""

    __tablename__ = "nomination_history"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    nomination_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)


class VettingStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    rejected = "rejected"
    suspended = "suspended"
    cancelled = "cancelled"


class Vetting(Entity):
    """A human-rights screening of a person. Validity: courtesy one year from the result; Leahy
    the dates INVEST returns (never computed). Tied to the unit the person belonged to then."""

    __tablename__ = "vettings"
    __table_args__ = (CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from", name="validity_ordered"),)

    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    type: Mapped[VettingType] = mapped_column(enum_column(VettingType, "type"))
    status: Mapped[VettingStatus] = mapped_column(enum_column(VettingStatus, "status"), default=VettingStatus.requested)
    unit_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    # The module the request was made for, if any (cancelling the module cancels the request).
    module_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("modules.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    needed_by: Mapped[date | None] = mapped_column(Date)
    result_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    external_reference: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
