import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity
from domain.enums import enum_column
from domain.models.catalogue import VettingType


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
    __table_args__ = (
        CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from", name="validity_ordered"
        ),
    )

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
