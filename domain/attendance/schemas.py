import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from domain.models.attendance import AbsenceCause, AbsenceReason, AttendanceStatus
from domain.models.enrolment import NominationStatus
from domain.models.officers import Sex
from domain.schemas import InputModel, ReadModel

Score = Field(None, ge=0, le=100)


class AttendanceMarkIn(InputModel):
    officer_id: uuid.UUID
    status: AttendanceStatus
    reason: AbsenceReason | None = Field(None, description="Required for absent; refused for present")
    cause: AbsenceCause | None = Field(None, description="Refused for present")
    note: str | None = Field(None, max_length=2000)


class AttendancePut(InputModel):
    """Marks for some or all participants of the session. Officers left out keep their marks;
    a mark that differs from the stored one is a correction, kept in the history."""

    marks: list[AttendanceMarkIn] = Field(min_length=1, max_length=1000)


class AttendanceMarkRead(ReadModel):
    officer_id: uuid.UUID
    status: AttendanceStatus
    reason: AbsenceReason | None
    cause: AbsenceCause | None
    note: str | None
    recorded_by: str
    updated_at: datetime
    version: int


class AttendanceRead(ReadModel):
    session_id: uuid.UUID
    module_id: uuid.UUID
    marks: list[AttendanceMarkRead]


class AttendanceCorrectionRead(ReadModel):
    officer_id: uuid.UUID
    at: datetime
    actor_name: str
    from_status: str | None
    to_status: str
    before: dict[str, Any] | None = Field(description="reason, cause and note before the correction")
    after: dict[str, Any] | None = Field(description="reason, cause and note after the correction")


class AssessmentIn(InputModel):
    """A score left out keeps its stored value; null clears it."""

    officer_id: uuid.UUID
    pre_test: float | None = Score
    post_test: float | None = Score


class AssessmentsPut(InputModel):
    scores: list[AssessmentIn] = Field(min_length=1, max_length=1000)


class AssessmentRead(ReadModel):
    officer_id: uuid.UUID
    pre_test: float | None
    post_test: float | None
    improved: bool | None = Field(description="post_test > pre_test; null if either is missing")


class AssessmentsRead(ReadModel):
    module_id: uuid.UUID
    scores: list[AssessmentRead]


class RosterEntry(ReadModel):
    officer_id: uuid.UUID
    full_name_ar: str
    name_latin: str
    sex: Sex
    agency_id: uuid.UUID
    nomination_status: NominationStatus
    sessions_total: int
    sessions_held: int = Field(description="Sessions that have started")
    attended: int = Field(description="Sessions marked present or late")
    excused: int
    absent: int
    attendance_rate_so_far: float | None = Field(
        description="Attended sessions held / sessions held; null if none held"
    )
    attendance_rate_overall: float | None = Field(description="Attended / all sessions; null if the module has none")
    minimum_attendance_met: bool | None = Field(
        description="attendance_rate_overall >= the module's completion_threshold"
    )
    pre_test: float | None
    post_test: float | None
    improved: bool | None = Field(description="post_test > pre_test; null if either is missing")
    completed: bool = Field(description="The completion rule: minimum attendance met")


class RosterRead(ReadModel):
    module_id: uuid.UUID
    completion_threshold: float
    pass_mark: float | None
    sessions_total: int
    sessions_held: int
    participants: list[RosterEntry]
