"""What the "needs attention" dashboard answers: one list per kind of item, each with its total
(the list itself stops at the caller's limit), and the ids that say where each item is resolved."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from domain.models.catalogue import ModuleStatus
from domain.schemas import ScheduleConflict, Warning_

T = TypeVar("T")

Readiness = Literal["no-trainer", "no-venue", "empty-roster", "venue-too-small"]
VettingProblem = Literal["pending", "expiring", "missing", "failed"]


class AttentionList(BaseModel, Generic[T]):
    total: int = Field(description="Items of this kind in all; `items` stops at the request's limit")
    items: list[T]


class ModuleBrief(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    status: ModuleStatus


class SessionBrief(BaseModel):
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="The cycle's time zone, in which the session is shown")
    module: ModuleBrief


class UpcomingSession(SessionBrief):
    """A session in the next 14 days that is not ready: what it lacks, and its roster against the room."""

    trainers: int
    venue_name: str | None
    venue_capacity: int | None
    roster: int = Field(description="Participants holding a seat in the module")
    capacity: int = Field(description="The module's capacity")
    problems: list[Readiness]


class PendingNominations(BaseModel):
    """A module's nominations awaiting a decision (submitted), oldest first across modules."""

    module: ModuleBrief
    waiting: int
    oldest_at: datetime
    time_zone: str


class QuotaFill(BaseModel):
    agency_id: uuid.UUID
    agency_name_en: str
    agency_name_ar: str
    seats: int
    nominated: int = Field(description="Nominations in play from the agency and its sub-units")
    enrolled: int
    filled: bool = Field(description="As many nominations in play as seats reserved")


class DeadlineQuotas(BaseModel):
    """A module whose nomination deadline falls in the next 7 days with a quota not filled yet."""

    module: ModuleBrief
    deadline: datetime
    time_zone: str
    quotas: list[QuotaFill]


class VettingDue(BaseModel):
    """A module that needs vetting, not yet over, whose participants' vetting is not in order."""

    module: ModuleBrief
    vetting: str = Field(description="The vetting type the module requires")
    starts_on: date | None
    ends_on: date | None
    blocking: int
    by_problem: dict[VettingProblem, int]


class ShareBelowTarget(BaseModel):
    female: int
    male: int
    female_share: float
    target: float


class ModuleBelowTarget(ShareBelowTarget):
    """An open or confirmed module whose roster has fewer women than its target."""

    module: ModuleBrief


class ReactionBelowThreshold(BaseModel):
    """A module whose reaction survey scores below its cycle's reaction_alert_below, once at least
    the suppression threshold of participants answered."""

    module: ModuleBrief
    survey_id: uuid.UUID
    score: float = Field(description="The mean score (0-100) over every rating answer of the survey")
    respondents: int
    threshold: float = Field(description="The cycle's reaction_alert_below")


class AgencyBelowTarget(ShareBelowTarget):
    """A partner agency (with its sub-units) below the cycle's target on the rosters of the
    cycle's open and confirmed modules."""

    cycle_id: uuid.UUID
    cycle_title: str
    agency_id: uuid.UUID
    agency_name_en: str
    agency_name_ar: str
    module: ModuleBrief = Field(description="Where to act: the module with most of the agency's pending nominations")


class ScheduleWarning(SessionBrief):
    """A coming session that double-books a venue or trainer, or falls on a non-working day, a
    holiday or outside its cycle."""

    clashes: list[ScheduleConflict]
    warnings: list[Warning_]


class AttendanceToTake(SessionBrief):
    roster: int
    marked: int = Field(description="Participants on the roster with a mark for the session")


class CertificatesToIssue(BaseModel):
    module: ModuleBrief
    completed: int
    certified: int = Field(description="Of those who completed, how many hold a certificate of attendance")


class FailingWebhook(BaseModel):
    id: uuid.UUID
    url: str
    description: str | None
    status: Literal["enabled", "disabled"]
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None


class AttentionRead(BaseModel):
    as_of: datetime
    upcoming_sessions: AttentionList[UpcomingSession]
    pending_nominations: AttentionList[PendingNominations]
    nomination_deadlines: AttentionList[DeadlineQuotas]
    vettings: AttentionList[VettingDue]
    modules_below_target: AttentionList[ModuleBelowTarget]
    agencies_below_target: AttentionList[AgencyBelowTarget]
    schedule_warnings: AttentionList[ScheduleWarning]
    attendance_to_take: AttentionList[AttendanceToTake]
    certificates_to_issue: AttentionList[CertificatesToIssue]
    reaction_below_threshold: AttentionList[ReactionBelowThreshold]
    failing_webhooks: AttentionList[FailingWebhook] | None = Field(
        description="Only for those who manage webhooks (administrators); null for others"
    )
