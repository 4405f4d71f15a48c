"""The catalogue of domain events: each type, the resource it is about, and its thin data.

Thin data holds ids and the changed non-personal fields only; a receiver fetches the details
with its own token (so need-to-know applies to them as to any read). Types are stable: a new
field may be added to a type's data, a field is never removed or changed in meaning."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NominationData(EventData):
    module_id: uuid.UUID
    officer_id: uuid.UUID
    status: str = Field(description="the nomination's status after the change")
    previous_status: str | None = Field(default=None, description="its status before (none when submitted)")


class ModuleStatusData(EventData):
    status: str
    previous_status: str


class SessionData(EventData):
    module_id: uuid.UUID
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    previous_starts_at: datetime | None = None
    previous_ends_at: datetime | None = None
    venue_id: uuid.UUID | None = Field(default=None, description="the venue after a move that changed it")
    previous_venue_id: uuid.UUID | None = None


class SessionTrainersData(EventData):
    module_id: uuid.UUID
    trainer_ids: list[uuid.UUID] = Field(description="the session's trainers after the change")
    previous_trainer_ids: list[uuid.UUID] = Field(default_factory=list)


class AttendanceData(EventData):
    session_id: uuid.UUID
    officer_id: uuid.UUID
    status: str = Field(description="the attendance mark: present, absent, late...")
    previous_status: str | None = None


class AssessmentData(EventData):
    module_id: uuid.UUID
    officer_id: uuid.UUID
    changed: list[str] = Field(
        description="which scores were recorded or changed (pre_test, post_test); fetch the values"
    )


class CompletionData(EventData):
    module_id: uuid.UUID
    officer_id: uuid.UUID
    status: str = Field(description="completed or not_completed")


class VettingData(EventData):
    officer_id: uuid.UUID
    changed: list[str] = Field(description="the fields that changed (status, dates...); fetch the vetting for values")
    status: str | None = None


class CertificateData(EventData):
    module_id: uuid.UUID
    officer_id: uuid.UUID


class OfficerData(EventData):
    agency_id: uuid.UUID | None = None
    active: bool | None = None
    changed: list[str] = Field(default_factory=list, description="names of the fields that changed; never their values")


class ImportData(EventData):
    kind: str = Field(description="officers or nominations")
    counts: dict[str, int] = Field(default_factory=dict)


class SurveyData(EventData):
    module_id: uuid.UUID
    kind: str = Field(description="reaction or followup")
    audience: str = Field(description="participants or supervisors")
    invited: int = Field(description="how many links the survey has issued")
    answered: int = Field(description="how many links have an answer (never who, never what)")
    closes_at: datetime | None = None


class EventType(BaseModel):
    name: str
    resource: str
    description: str
    data: type[EventData]


def _t(name: str, resource: str, data: type[EventData], description: str) -> tuple[str, EventType]:
    return name, EventType(name=name, resource=resource, data=data, description=description)


CATALOGUE: dict[str, EventType] = dict(
    [
        _t("nomination.submitted", "nomination", NominationData, "An officer was nominated for a module."),
        _t(
            "nomination.decided",
            "nomination",
            NominationData,
            "A nomination was accepted (enrolled), waitlisted, rejected, or taken off the roster by a failed vetting.",
        ),
        _t(
            "nomination.withdrawn",
            "nomination",
            NominationData,
            "A nomination was withdrawn (also when its module is cancelled).",
        ),
        _t("nomination.promoted", "nomination", NominationData, "A waiting nomination took a freed seat."),
        _t(
            "module.status_changed",
            "module",
            ModuleStatusData,
            "A module moved in its life cycle (open, confirmed, delivered...).",
        ),
        _t("session.created", "session", SessionData, "A training session was scheduled."),
        _t("session.moved", "session", SessionData, "A session's start, end or venue changed."),
        _t("session.cancelled", "session", SessionData, "A session was removed from its module."),
        _t(
            "session.trainers_changed",
            "session",
            SessionTrainersData,
            "Trainers were assigned to a session or taken off it.",
        ),
        _t(
            "attendance.recorded",
            "attendance_mark",
            AttendanceData,
            "A participant's attendance at a session was recorded.",
        ),
        _t("attendance.corrected", "attendance_mark", AttendanceData, "A recorded attendance mark was corrected."),
        _t(
            "assessment.recorded",
            "assessment",
            AssessmentData,
            "A participant's pre- or post-test score was recorded or changed.",
        ),
        _t(
            "completion.settled",
            "nomination",
            CompletionData,
            "Delivery settled an enrolment as completed or not completed.",
        ),
        _t("vetting.changed", "vetting", VettingData, "A vetting was requested or its status or dates changed."),
        _t("certificate.issued", "certificate", CertificateData, "A certificate was issued."),
        _t("certificate.revoked", "certificate", CertificateData, "A certificate was revoked."),
        _t(
            "officer.created",
            "officer",
            OfficerData,
            "An officer record was created (by hand, upsert, SCIM or an import).",
        ),
        _t(
            "officer.updated",
            "officer",
            OfficerData,
            "An officer record changed (the names of the changed fields only).",
        ),
        _t(
            "officer.deactivated",
            "officer",
            OfficerData,
            "An officer was deactivated (no longer nominable; history stays).",
        ),
        _t(
            "officer.deleted",
            "officer",
            OfficerData,
            "An officer record was deleted (or removed by undoing its import).",
        ),
        _t(
            "officer.erased",
            "officer",
            OfficerData,
            "An officer was erased: from now on none of their events carries anything that identifies them.",
        ),
        _t(
            "survey.opened",
            "module_survey",
            SurveyData,
            "A module's survey opened: its links were issued. Counts only, no person.",
        ),
        _t(
            "survey.answered",
            "module_survey",
            SurveyData,
            "A link of a survey was answered for the first time. Counts only: no answer, no person.",
        ),
        _t("survey.closed", "module_survey", SurveyData, "A survey closed: its links no longer work. Counts only."),
        _t("import.applied", "import", ImportData, "A planned import was applied."),
        _t("import.undone", "import", ImportData, "An applied import was undone."),
    ]
)

EVENT_TYPES = tuple(CATALOGUE)


def thin_data(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """The data of an event of this type, checked against its schema, as JSON-safe values."""
    checked: dict[str, Any] = CATALOGUE[type_].data.model_validate(data).model_dump(mode="json", exclude_none=True)
    return checked


@functools.cache
def _many(model: type[EventData]) -> TypeAdapter[list[EventData]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def thin_data_many(type_: str, data: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """thin_data of many events of one type, in one pass of the schema (imports)."""
    many = _many(CATALOGUE[type_].data)
    checked: list[dict[str, Any]] = many.dump_python(many.validate_python(data), mode="json", exclude_none=True)
    return checked


EventTypeName = Literal[EVENT_TYPES]  # type: ignore[valid-type]
