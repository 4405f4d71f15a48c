"""Indicators and their entered values: create, update, read; and the indicator report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from domain.models.indicators import Disaggregation, IndicatorSource
from domain.schemas import Code, Day, EntityRead, InputModel, Name, PatchModel, Visible

Unit = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Visible, Field(examples=["persons"])
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), Visible]
EvidenceUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^https?://[^\s]+$")]
Figure = Annotated[float, Field(ge=-1e12, le=1e12)]

_SOURCE = (
    "trained_individuals, women_share and increased_knowledge are computed from Tadrib's records; reaction_mean (the "
    "reaction surveys' mean score, 0-100) and followup_application_rate (percent of follow-up participants applying "
    "what they learnt) from the survey results; entered: values entered with their evidence per reporting period"
)
_DISAGGREGATION = "none or sex; fixed once the indicator is approved (a change is a 409 naming it)"
_APPROVED = "The logframe is approved: the disaggregation is fixed from then on, and approval cannot be withdrawn"


class IndicatorCreate(InputModel):
    code: Code = Field(examples=["OP-1.1"])
    title: Name
    unit: Unit
    baseline: Figure | None = None
    target: Figure | None = None
    disaggregation: Disaggregation = Field(Disaggregation.sex, description=_DISAGGREGATION)
    source: IndicatorSource = Field(description=_SOURCE)
    data_source: LongText | None = Field(None, description="The means of verification, as the logframe states it")
    approved: bool = Field(False, description=_APPROVED)


class IndicatorUpdate(PatchModel):
    nullable = frozenset({"baseline", "target", "data_source"})

    code: Code | None = None
    title: Name | None = None
    unit: Unit | None = None
    baseline: Figure | None = None
    target: Figure | None = None
    disaggregation: Disaggregation | None = Field(None, description=_DISAGGREGATION)
    source: IndicatorSource | None = Field(None, description=_SOURCE)
    data_source: LongText | None = None
    approved: bool | None = Field(None, description=_APPROVED)


class IndicatorRead(EntityRead):
    cycle_id: uuid.UUID
    code: str
    title: str
    unit: str
    baseline: float | None
    target: float | None
    disaggregation: Disaggregation
    source: IndicatorSource
    data_source: str | None
    approved: bool


class IndicatorValueCreate(InputModel):
    period_start: Day
    period_end: Day
    value: Figure
    female: Figure | None = Field(None, description="For an indicator disaggregated by sex")
    male: Figure | None = None
    evidence: LongText = Field(description="What the value rests on: a report, a list, a letter")
    evidence_url: EvidenceUrl | None = None

    @model_validator(mode="after")
    def _period_ordered(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class IndicatorValueRead(EntityRead):
    indicator_id: uuid.UUID
    period_start: date
    period_end: date
    value: float
    female: float | None
    male: float | None
    evidence: str
    evidence_url: str | None


ValueStatus = Literal["computed", "entered", "not_entered", "not_yet_collected"]


class IndicatorFigure(BaseModel):
    """One indicator for the period, in the order OPSYS asks for it."""

    indicator_id: uuid.UUID
    code: str
    title: str
    unit: str
    baseline: float | None
    target: float | None
    disaggregation: Disaggregation
    source: IndicatorSource
    data_source: str | None
    approved: bool
    status: ValueStatus = Field(
        description="computed from Tadrib's records; entered by hand (with evidence); not_entered (no value for the "
        "period yet); not_yet_collected (no longer given: surveys compute it)"
    )
    current_value: int | float | None = Field(
        description="null when withheld (see suppressed), not entered or not collected"
    )
    female: int | float | None = Field(description="With a disaggregation by sex")
    male: int | float | None
    denominator: int | None = Field(
        None, description="increased_knowledge: the unique individuals tested (having the scores needed)"
    )
    evidence: str | None = None
    evidence_url: str | None = None
    suppressed: list[str] = Field(default_factory=list, description="Fields withheld (null): small counts")


class IndicatorReportPeriod(BaseModel):
    period_start: date | None
    period_end: date | None
    rule: str


class IndicatorReport(BaseModel):
    cycle_id: uuid.UUID
    cycle_title: str
    period: IndicatorReportPeriod
    knowledge_definition: str
    indicators: list[IndicatorFigure]
    suppression_applied: bool
