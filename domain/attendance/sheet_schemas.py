"""What the trainer's screens (and a tablet client of the API) read: the sessions a trainer
teaches with their attendance counts, and one session's attendance sheet."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from domain.models.attendance import AbsenceCause, AbsenceReason, AttendanceStatus
from domain.schemas import ReadModel

# coming: sessions running now, today's and the next seven days' (in each cycle's zone), soonest
# first; to_take: earlier, ended sessions with a participant not yet marked, latest first.
SessionsPart = Literal["coming", "to_take"]


class AttendanceCounts(ReadModel):
    present: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0
    unmarked: int = Field(0, description="Participants on the roster without a mark for the session")


class TaughtSessionRead(ReadModel):
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="The cycle's zone: show the times in it, with the offset")
    module_id: uuid.UUID
    module_code: str
    module_title: str
    venue_name: str | None
    venue_city: str | None
    participants: int
    counts: AttendanceCounts


class SheetRow(ReadModel):
    officer_id: uuid.UUID
    full_name_ar: str
    name_latin: str
    agency_id: uuid.UUID
    agency_name_en: str
    agency_name_ar: str
    status: AttendanceStatus | None = Field(description="null: not marked yet")
    reason: AbsenceReason | None
    cause: AbsenceCause | None
    note: str | None
    recorded_by: str | None
    pre_test: float | None
    post_test: float | None


class AttendanceSheetRead(ReadModel):
    session: TaughtSessionRead
    started: bool = Field(description="Whether the session has started: before then only excused can be recorded")
    participants: list[SheetRow]
