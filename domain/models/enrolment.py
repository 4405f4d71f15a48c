import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

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


# The status groups, each defined once:
# - holding a seat now: it takes the module's capacity (and quotas) and the officer's time;
HOLDS_SEAT = (NominationStatus.enrolled,)
# - on the module's roster, now or since delivery: rosters, balance, reports, calendars;
ON_ROSTER = (NominationStatus.enrolled, NominationStatus.completed, NominationStatus.not_completed)
# - put forward and not yet decided, or queued;
PENDING = (NominationStatus.submitted, NominationStatus.waitlisted)
# - still in play: cancelling the module withdraws these.
LIVE = PENDING + HOLDS_SEAT


class ModuleQuota(Entity):
    """Seats reserved for (and capped at) an agency and its sub-units, possibly before names are
    known. Released quotas no longer reserve or cap: their unclaimed seats return to the pool."""

    __tablename__ = "module_quotas"
    __table_args__ = (
        UniqueConstraint("module_id", "agency_id"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
    )

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


class ChangeCause(StrEnum):
    """Why a status change happened when it was not decided about the nomination itself: what
    other areas read (calendars keep a cancelled module's sessions for the officers it withdrew),
    never the free-text reason beside it."""

    module_cancelled = "module_cancelled"


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
    cause: Mapped[str | None] = mapped_column(String(40))  # a ChangeCause, None for a decision about it
