import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, Entity
from domain.enums import enum_column


class ModuleFormat(StrEnum):
    course = "course"
    workshop = "workshop"
    study_visit = "study_visit"
    training_of_trainers = "training_of_trainers"
    high_level_meeting = "high_level_meeting"


class VettingType(StrEnum):
    none = "none"
    leahy = "leahy"
    courtesy = "courtesy"
    host_nation = "host_nation"


class ModuleStatus(StrEnum):
    draft = "draft"
    planned = "planned"
    open = "open"
    confirmed = "confirmed"
    delivered = "delivered"
    closed = "closed"
    cancelled = "cancelled"
    postponed = "postponed"


# Status groups, each defined once: where a module takes nominations; where its training took place
# (certificates, results); where nothing about it changes any more.
ENROLLING = (ModuleStatus.open, ModuleStatus.confirmed)
DELIVERED = (ModuleStatus.delivered, ModuleStatus.closed)
FINISHED = (ModuleStatus.delivered, ModuleStatus.closed, ModuleStatus.cancelled)


class Discipline(Base):
    """A vocabulary coordinators can extend; modules refer to it by code."""

    __tablename__ = "disciplines"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    label_en: Mapped[str] = mapped_column(String(200))
    label_ar: Mapped[str | None] = mapped_column(String(200))


class Venue(Entity):
    __tablename__ = "venues"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)

    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer)


class Trainer(Entity):
    __tablename__ = "trainers"

    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    nationality: Mapped[str | None] = mapped_column(String(2))
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list)


module_prerequisites = Table(
    "module_prerequisites",
    Base.metadata,
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("prerequisite_id", ForeignKey("modules.id"), primary_key=True, index=True),
)

session_trainers = Table(
    "session_trainers",
    Base.metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("trainer_id", ForeignKey("trainers.id"), primary_key=True, index=True),
)


class Module(Entity):
    """A thematic course, workshop, study visit or ToT within a cycle."""

    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("cycle_id", "code"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("completion_threshold >= 0 AND completion_threshold <= 1", name="threshold_fraction"),
        CheckConstraint(
            "female_share_target IS NULL OR (female_share_target >= 0 AND female_share_target <= 1)",
            name="target_fraction",
        ),
        CheckConstraint(
            "knowledge_threshold IS NULL OR (knowledge_threshold >= 0 AND knowledge_threshold <= 100)",
            name="knowledge_threshold_range",
        ),
    )

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycles.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    discipline: Mapped[str] = mapped_column(ForeignKey("disciplines.code"), index=True)
    format: Mapped[ModuleFormat] = mapped_column(enum_column(ModuleFormat, "format"))
    capacity: Mapped[int] = mapped_column(Integer)
    venue_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("venues.id"), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpretation: Mapped[bool] = mapped_column(Boolean, default=False)
    female_share_target: Mapped[float | None] = mapped_column(Float)
    completion_threshold: Mapped[float] = mapped_column(Float, default=0.8)
    # Assessed modules: a certificate of competence also needs a post-test at or above this mark.
    pass_mark: Mapped[float | None] = mapped_column(Float)
    # Donor reports: the post-test score (0-100) that counts as increased knowledge where the
    # cycle defines it so (KnowledgeDefinition.post_at_threshold).
    knowledge_threshold: Mapped[float | None] = mapped_column(Float)
    vetting_required: Mapped[VettingType] = mapped_column(enum_column(VettingType, "vetting"), default=VettingType.none)
    nomination_deadline: Mapped[datetime | None] = mapped_column()
    funding_source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[ModuleStatus] = mapped_column(
        enum_column(ModuleStatus, "status"), default=ModuleStatus.draft, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)

    prerequisites: Mapped[list["Module"]] = relationship(
        secondary=module_prerequisites,
        primaryjoin=lambda: Module.id == module_prerequisites.c.module_id,
        secondaryjoin=lambda: Module.id == module_prerequisites.c.prerequisite_id,
        lazy="raise",
    )

    # Read by the API schemas (from_attributes); the relationship must be loaded.
    @property
    def prerequisite_module_ids(self) -> list[uuid.UUID]:
        return [m.id for m in self.prerequisites]


class TrainingSession(Entity):
    """A dated time slot of a module (never `Session`, which is SQLAlchemy's)."""

    __tablename__ = "training_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times_ordered"),)

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    venue_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("venues.id"), index=True)
    # A coordinator's written reason for keeping a double booking.
    override_reason: Mapped[str | None] = mapped_column(Text)

    trainers: Mapped[list[Trainer]] = relationship(secondary=session_trainers, lazy="raise", order_by=Trainer.name)

    @property
    def trainer_ids(self) -> list[uuid.UUID]:
        return [t.id for t in self.trainers]
