"""Vetting requests and results: what clients send and what they get back."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from domain.enrolment.schemas import NominationRead, PromotionSkip
from domain.models.catalogue import VettingType
from domain.models.vetting import VettingStatus
from domain.schemas import Day, EntityRead, InputModel, PatchModel, ReadModel

VettingKind = Literal["leahy", "courtesy", "host_nation"]
Reference = Field(None, max_length=120, description="The vetting body's case id, e.g. the INVEST case id for Leahy")
Note = Field(None, max_length=2000)


class VettingCreate(InputModel):
    type: VettingKind = Field(
        description="leahy (US-funded training, recorded in INVEST), courtesy (embassy check) or host_nation"
    )
    requested_on: Day
    needed_by: Day = Field(description="When the result is needed, usually before the module's first session")
    module_id: uuid.UUID | None = Field(
        None, description="The module the request is made for; cancelling it cancels the request"
    )
    external_reference: str | None = Reference
    note: str | None = Note

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.needed_by < self.requested_on:
            raise ValueError("needed_by must not be before requested_on")
        return self


class VettingUpdate(PatchModel):
    """Record the result. Status: requested -> approved | rejected | suspended | cancelled;
    approved -> suspended | cancelled; suspended -> approved | cancelled. Courtesy validity is
    computed (one year from result_on); Leahy and host-nation validity must be sent."""

    nullable: ClassVar[frozenset[str]] = frozenset({"external_reference", "note", "needed_by"})

    status: VettingStatus | None = None
    needed_by: Day | None = None
    result_on: Day | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    external_reference: str | None = Reference
    note: str | None = Note


class VettingRead(EntityRead):
    officer_id: uuid.UUID
    type: VettingType
    status: VettingStatus
    unit_agency_id: uuid.UUID = Field(description="The officer's unit when the vetting was requested")
    module_id: uuid.UUID | None
    requested_on: date
    needed_by: date | None
    result_on: date | None
    valid_from: date | None
    valid_until: date | None
    external_reference: str | None
    note: str | None


class VettingChange(ReadModel):
    """A vetting after a change, and what a rejection or suspension did to the rosters."""

    vetting: VettingRead
    removed_from: list[uuid.UUID] = Field(default_factory=list, description="Nominations that became vetting_failed")
    promoted: list[NominationRead] = Field(
        default_factory=list, description="Waiting nominations enrolled in the freed seats"
    )
    skipped: list[PromotionSkip] = Field(
        default_factory=list, description="Waiting nominations passed over, with the reason"
    )


class VettingBlocker(ReadModel):
    officer_id: uuid.UUID
    name_latin: str
    reason: str
