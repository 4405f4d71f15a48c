import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from domain.models.catalogue import ModuleFormat, ModuleStatus, VettingType
from domain.schemas import (
    Code,
    CountryCode,
    EntityRead,
    Fraction,
    FundingSource,
    InputModel,
    Instant,
    Name,
    PatchModel,
    ReadModel,
    ShortText,
    Warning_,
)

Language = Literal["ar", "ku", "en"]
_ARABIC: list[Language] = ["ar"]


class DisciplineCreate(InputModel):
    code: Code = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$", examples=["counter-financing"])
    label_en: ShortText
    label_ar: ShortText | None = None


class DisciplineRead(ReadModel):
    code: str
    label_en: str
    label_ar: str | None


class VenueCreate(InputModel):
    name: Name
    city: ShortText
    capacity: int = Field(gt=0, le=10_000)


class VenueUpdate(PatchModel):
    name: Name | None = None
    city: ShortText | None = None
    capacity: int | None = Field(None, gt=0, le=10_000)


class VenueRead(EntityRead):
    name: str
    city: str
    capacity: int


class TrainerCreate(InputModel):
    name: Name
    organisation: ShortText = Field(examples=["EUROPOL"])
    nationality: CountryCode | None = None
    expertise: list[ShortText] = Field(default_factory=list)


class TrainerUpdate(PatchModel):
    nullable = frozenset({"nationality"})

    name: Name | None = None
    organisation: ShortText | None = None
    nationality: CountryCode | None = None
    expertise: list[ShortText] | None = None


class TrainerRead(EntityRead):
    name: str
    organisation: str
    nationality: str | None
    expertise: list[str]


_THRESHOLD = (
    "Donor reports: the post-test score (0-100) that counts as increased knowledge in a cycle whose "
    "knowledge_definition is post_at_threshold"
)


class ModuleCreate(InputModel):
    cycle_id: uuid.UUID
    code: Code = Field(examples=["ILP-01"])
    title: Name
    discipline: str = Field(examples=["ilp"])
    format: ModuleFormat
    capacity: int = Field(gt=0, le=10_000)
    venue_id: uuid.UUID | None = None
    languages: list[Language] = Field(default_factory=lambda: _ARABIC.copy())
    interpretation: bool = False
    prerequisite_module_ids: list[uuid.UUID] = Field(default_factory=list)
    female_share_target: Fraction | None = None
    completion_threshold: Fraction = 0.8
    pass_mark: float | None = Field(
        None,
        ge=0,
        le=100,
        description="Set for assessed modules: post-test score needed for a certificate of competence",
    )
    knowledge_threshold: float | None = Field(None, ge=0, le=100, description=_THRESHOLD)
    vetting_required: VettingType = VettingType.none
    nomination_deadline: Instant | None = None
    funding_source: FundingSource | None = None


class ModuleUpdate(PatchModel):
    nullable = frozenset(
        {"venue_id", "female_share_target", "nomination_deadline", "funding_source", "pass_mark", "knowledge_threshold"}
    )

    code: Code | None = None
    title: Name | None = None
    discipline: str | None = None
    format: ModuleFormat | None = None
    capacity: int | None = Field(None, gt=0, le=10_000)
    venue_id: uuid.UUID | None = None
    languages: list[Language] | None = None
    interpretation: bool | None = None
    prerequisite_module_ids: list[uuid.UUID] | None = None
    female_share_target: Fraction | None = None
    completion_threshold: Fraction | None = None
    pass_mark: float | None = Field(None, ge=0, le=100)
    knowledge_threshold: float | None = Field(None, ge=0, le=100, description=_THRESHOLD)
    vetting_required: VettingType | None = None
    nomination_deadline: Instant | None = None
    funding_source: FundingSource | None = None


class ModuleRead(EntityRead):
    cycle_id: uuid.UUID
    code: str
    title: str
    discipline: str
    format: ModuleFormat
    capacity: int
    venue_id: uuid.UUID | None
    languages: list[str]
    interpretation: bool
    prerequisite_module_ids: list[uuid.UUID]
    female_share_target: float | None
    completion_threshold: float
    pass_mark: float | None
    knowledge_threshold: float | None
    vetting_required: VettingType
    nomination_deadline: datetime | None
    funding_source: FundingSource | None
    status: ModuleStatus
    status_reason: str | None


class ModuleTransition(InputModel):
    to: ModuleStatus
    reason: str | None = Field(None, max_length=2000)


class SessionCreate(InputModel):
    title: Name
    starts_at: Instant = Field(examples=["2025-01-12T09:00:00+03:00"])
    ends_at: Instant = Field(examples=["2025-01-12T13:00:00+03:00"])
    venue_id: uuid.UUID | None = None
    trainer_ids: list[uuid.UUID] = Field(default_factory=list)
    override_reason: str | None = Field(
        None, max_length=2000, description="Keep the session despite double bookings; the reason is stored."
    )

    @field_validator("ends_at")
    @classmethod
    def _ordered(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        # A field validator, so that the error names ends_at rather than the whole body.
        starts_at = info.data.get("starts_at")
        if starts_at is not None and ends_at <= starts_at:
            raise ValueError("ends_at must be after starts_at")
        return ends_at


class SessionUpdate(PatchModel):
    nullable = frozenset({"venue_id", "override_reason"})

    title: Name | None = None
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    venue_id: uuid.UUID | None = None
    trainer_ids: list[uuid.UUID] | None = None
    override_reason: str | None = Field(None, max_length=2000)


class SessionRead(EntityRead):
    module_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_id: uuid.UUID | None
    trainer_ids: list[uuid.UUID]
    override_reason: str | None
    warnings: list[Warning_] = Field(default_factory=list)
