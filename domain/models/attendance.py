import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, Entity, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class AttendanceStatus(StrEnum):
    present = "present"
    late = "late"
    excused = "excused"
    absent = "absent"


# Marks that count as attendance (completion, rosters, reports): the one definition.
ATTENDED = frozenset({AttendanceStatus.present, AttendanceStatus.late})


class AbsenceReason(StrEnum):
    cancellation = "cancellation"
    no_show = "no_show"


class AbsenceCause(StrEnum):
    illness = "illness"
    emergency = "emergency"
    work = "work"
    unknown = "unknown"


class AttendanceMark(Entity):
    """One participant at one session."""

    __tablename__ = "attendance_marks"
    __table_args__ = (UniqueConstraint("session_id", "officer_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus, "status"))
    reason: Mapped[AbsenceReason | None] = mapped_column(enum_column(AbsenceReason, "reason"))
    cause: Mapped[AbsenceCause | None] = mapped_column(enum_column(AbsenceCause, "cause"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class AttendanceCorrection(Base):
    """Append-only: every change to a mark after it was first recorded."""

    __tablename__ = "attendance_history"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    mark_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("attendance_marks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    before: Mapped[str | None] = mapped_column(Text)  # JSON of reason, cause, note before
    after: Mapped[str | None] = mapped_column(Text)


class Assessment(Entity):
    """Pre- and post-test scores (0-100): "increased knowledge" means post > pre."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("module_id", "officer_id"),
        CheckConstraint("pre_test IS NULL OR (pre_test >= 0 AND pre_test <= 100)", name="pre_range"),
        CheckConstraint("post_test IS NULL OR (post_test >= 0 AND post_test <= 100)", name="post_range"),
    )

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id"), index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    pre_test: Mapped[float | None] = mapped_column(Float)
    post_test: Mapped[float | None] = mapped_column(Float)
