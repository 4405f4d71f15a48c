import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, Entity
from domain.enums import enum_column
from domain.ids import uuid7


class Sex(StrEnum):
    female = "female"
    male = "male"


class Officer(Entity):
    """A person an agency may put forward. The Arabic-script name is authoritative; Latin
    spellings vary, so both are kept with a normalised search key each."""

    __tablename__ = "officers"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    full_name_ar: Mapped[str] = mapped_column(String(300))
    full_name_ar_key: Mapped[str] = mapped_column(String(300), index=True)
    name_latin: Mapped[str] = mapped_column(String(300))
    name_latin_key: Mapped[str] = mapped_column(String(300), index=True)
    # {given, father, grandfather, great_grandfather, family}: no forced first/last split.
    name_parts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    rank: Mapped[str | None] = mapped_column(String(120))
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Identity fields: collected only where a module's vetting needs them (domain rule 9).
    national_id: Mapped[str | None] = mapped_column(String(60))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    place_of_birth: Mapped[str | None] = mapped_column(String(200))
    erased_at: Mapped[datetime | None] = mapped_column()

    external_ids: Mapped[list["OfficerExternalId"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OfficerExternalId.source"
    )


class OfficerExternalId(Base):
    """An id the person carries in another system (mission HR, INVEST...); unique per source."""

    __tablename__ = "officer_external_ids"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(60))
    external_id: Mapped[str] = mapped_column(String(200))
