import uuid
from datetime import date
from functools import cache
from typing import Annotated, Self, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, Field, model_validator

from domain.models.cycles import DEFAULT_WORKING_DAYS, KnowledgeDefinition, Weekday
from domain.schemas import (
    CountryCode,
    Day,
    EntityRead,
    Fraction,
    FundingSource,
    InputModel,
    Name,
    PatchModel,
    ShortText,
)


@cache
def _zones() -> frozenset[str]:
    """The tz database's names, read once: listing them walks the whole zoneinfo directory."""
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError(f"unknown IANA time zone {value!r}")
    ZoneInfo(value)
    return value


V = TypeVar("V")


def _distinct(values: list[V]) -> list[V]:
    if len(set(values)) != len(values):
        raise ValueError("values must not repeat")
    return values


TimeZone = Annotated[str, AfterValidator(_known_zone), Field(examples=["Asia/Baghdad"])]
WorkingDays = Annotated[list[Weekday], AfterValidator(_distinct)]


Score = Annotated[float, Field(ge=0, le=100)]
_ALERT = (
    "The coordinator's dashboard flags a module whose reaction survey's score (0-100: a rating r on k points scores "
    "(r - 1) / (k - 1) x 100, averaged over every rating answer) is below this, once at least the suppression "
    "threshold of participants answered; null: no alert"
)
_KNOWLEDGE = (
    "What counts as increased knowledge in the donor reports: post_above_pre (the post-test beat the pre-test; "
    "tested: both scores recorded) or post_at_threshold (the post-test reached the module's knowledge_threshold; "
    "tested: a post-test in a module that has a threshold)"
)


class Holiday(InputModel):
    date: Day
    name: ShortText = Field(examples=["Eid al-Fitr"])


class CycleCreate(InputModel):
    programme_id: uuid.UUID
    partner_country: CountryCode
    title: Name
    starts_on: Day
    ends_on: Day
    female_share_target: Fraction = 0.3
    time_zone: TimeZone = "Asia/Baghdad"
    working_days: WorkingDays = Field(default_factory=lambda: list(DEFAULT_WORKING_DAYS))
    holidays: list[Holiday] = Field(default_factory=list)
    funding_source: FundingSource | None = None
    knowledge_definition: KnowledgeDefinition = Field(KnowledgeDefinition.post_above_pre, description=_KNOWLEDGE)
    reaction_alert_below: Score | None = Field(None, description=_ALERT)

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class CycleUpdate(PatchModel):
    nullable = frozenset({"funding_source", "reaction_alert_below"})

    programme_id: uuid.UUID | None = None
    partner_country: CountryCode | None = None
    title: Name | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    female_share_target: Fraction | None = None
    time_zone: TimeZone | None = None
    working_days: WorkingDays | None = None
    holidays: list[Holiday] | None = None
    funding_source: FundingSource | None = None
    knowledge_definition: KnowledgeDefinition | None = Field(None, description=_KNOWLEDGE)
    reaction_alert_below: Score | None = Field(None, description=_ALERT)


class CycleRead(EntityRead):
    programme_id: uuid.UUID
    partner_country: str
    title: str
    starts_on: date
    ends_on: date
    female_share_target: float
    time_zone: str
    working_days: list[str]
    holidays: list[Holiday]
    funding_source: FundingSource | None
    knowledge_definition: KnowledgeDefinition
    reaction_alert_below: float | None = Field(description=_ALERT)
