"""What the reports return. Every object that holds counts lists in `suppressed` the names of
its fields withheld (null) for observers and machine clients; it is empty for exact figures."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from domain.models.cycles import KnowledgeDefinition
from domain.schemas import Day, SearchText

Withheld: list[str] = Field(
    default_factory=list, description="Fields withheld (null) because a count is small or would reveal one"
)


class GroupBy(StrEnum):
    cycle = "cycle"
    module = "module"
    agency = "agency"
    discipline = "discipline"


class SexSplit(BaseModel):
    female: int | None
    male: int | None
    total: int | None
    suppressed: list[str] = Withheld


class StageCounts(BaseModel):
    persons: SexSplit = Field(description="Unique officers (COUNT DISTINCT)")
    participations: SexSplit = Field(description="Nominations: one per officer per module")


class Shares(BaseModel):
    persons: float | None = Field(description="Women among unique persons (0-1)")
    participations: float | None = Field(description="Women among participations (0-1); compared with the target")
    suppressed: list[str] = Withheld


class BalanceRow(BaseModel):
    key: str | None = Field(description="Module, cycle or agency id, or discipline code; null on the totals row")
    label: str
    nominated: StageCounts = Field(description="Every nomination, whatever its status")
    enrolled: StageCounts = Field(description="Enrolled, completed or not completed")
    attended: StageCounts = Field(description="Enrolled with at least one present or late mark in the module")
    completed: StageCounts
    female_share_enrolled: Shares
    female_share_completed: Shares
    target: float | None = Field(description="The female-share target in force for the group (0-1)")
    target_basis: Literal["module", "cycle", "weighted"] = Field(
        description="module: the module's override, else its cycle's; cycle: the cycle's target; weighted: the mean of "
        "the targets in force, weighted by enrolled participations (by all nominations when none is enrolled)"
    )
    below_target: bool | None = Field(
        description="Female share of enrolled participations below the target; null without enrolments"
    )


class Suppression(BaseModel):
    applied: bool
    threshold: int | None = Field(description="Counts from 1 to threshold-1 are withheld")
    rule: str


class BalanceFilters(BaseModel):
    programme_id: uuid.UUID | None = None
    cycle_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = Field(None, description="The agency and its sub-units (the nominating unit)")
    discipline: SearchText | None = None
    date_from: Day | None = Field(None, serialization_alias="from")
    date_to: Day | None = Field(None, serialization_alias="to")
    group_by: GroupBy = GroupBy.module


class GenderBalanceReport(BaseModel):
    group_by: GroupBy
    filters: BalanceFilters
    rows: list[BalanceRow]
    totals: BalanceRow = Field(description="Every group together: persons are unique across groups")
    suppression: Suppression


class CycleRef(BaseModel):
    id: uuid.UUID
    title: str
    programme_id: uuid.UUID
    time_zone: str
    female_share_target: float


class Period(BaseModel):
    date_from: date | None = Field(None, serialization_alias="from")
    date_to: date | None = Field(None, serialization_alias="to")
    rule: str


class AgencyTrained(BaseModel):
    agency_id: uuid.UUID
    label: str
    persons: SexSplit
    participations: SexSplit


class ActivityCount(BaseModel):
    key: str
    label: str
    activities: int


class Activities(BaseModel):
    total: int = Field(description="Modules delivered or closed")
    by_discipline: list[ActivityCount]
    by_format: list[ActivityCount]


class TrainingDays(BaseModel):
    training_days: int = Field(description="Sum over delivered modules of the distinct local dates of their sessions")
    calendar_days: int = Field(description="Distinct local dates with a session of a delivered module")
    person_days: int | None = Field(
        description="Sum over participants of the distinct local dates they were marked present "
        "or late at a session of a delivered module"
    )
    suppressed: list[str] = Withheld


class FemaleShare(BaseModel):
    female_share: float | None = Field(description="Women among individuals trained (0-1)")
    target: float
    below_target: bool | None
    suppressed: list[str] = Withheld


class ScorecardRow(BaseModel):
    agency_id: uuid.UUID
    label: str
    nominated: int | None = Field(description="Nominations (participations), whatever their status")
    enrolled: int | None = Field(description="Nominations enrolled, completed or not completed")
    completed: int | None
    marks_recorded: int | None
    attended_marks: int | None = Field(description="Present or late")
    no_show_marks: int | None = Field(description="Absent with reason no_show")
    attendance_rate: float | None = Field(description="attended_marks / marks_recorded")
    no_show_rate: float | None = Field(description="no_show_marks / marks_recorded")
    suppressed: list[str] = Withheld


class CycleResults(BaseModel):
    cycle: CycleRef
    period: Period
    individuals_trained: SexSplit = Field(description="Unique persons who completed a module")
    participations: SexSplit = Field(description="Completed participations (one per person per module)")
    knowledge_increased: SexSplit = Field(
        description="Individuals trained with increased knowledge in a module, by the cycle's knowledge_definition "
        "(by default: a post-test above their pre-test)"
    )
    assessed: SexSplit = Field(
        description="Individuals trained tested in a module: having the scores the cycle's knowledge_definition needs "
        "(by default: both a pre-test and a post-test)"
    )
    trained_by_agency: list[AgencyTrained] = Field(
        description="By the nominating agency's top-level agency (see agency_rule)"
    )
    agency_rule: str
    activities: Activities
    days: TrainingDays
    female_share: FemaleShare
    scorecard: list[ScorecardRow] = Field(description="Per nominating agency, to help set next cycle's quotas")
    suppression: Suppression


class AgencyKnowledge(BaseModel):
    agency_id: uuid.UUID
    label: str
    increased: SexSplit
    tested: SexSplit


class KnowledgeGain(BaseModel):
    cycle: CycleRef
    period: Period
    definition: KnowledgeDefinition = Field(description="The cycle's knowledge_definition")
    definition_rule: str
    increased: SexSplit = Field(description="Unique individuals trained (completed) with increased knowledge")
    tested: SexSplit = Field(description="The denominator: unique individuals trained having the scores needed")
    by_agency: list[AgencyKnowledge] = Field(description="By the nominating agency's top-level agency (agency_rule)")
    agency_rule: str
    suppression: Suppression
