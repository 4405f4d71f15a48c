"""Attendance: marks per session, pre- and post-test scores, and the roster that adds them up."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, Paging, holding, list_page
from api.exports import ExportFormat, export_responses, tabular
from api.problems import problems
from api.routing import CheckedRoute
from domain.attendance import roster, service, teaching
from domain.attendance.schemas import (
    AssessmentsPut,
    AssessmentsRead,
    AttendanceCorrectionRead,
    AttendancePut,
    AttendanceRead,
    RosterRead,
)
from domain.attendance.sheet_schemas import AttendanceSheetRead, SessionsPart, TaughtSessionRead
from domain.auth.policy import ASSESSMENTS_WRITE, ATTENDANCE_WRITE, ROSTERS_READ
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.exports import Column
from domain.pagination import Page

router = APIRouter(tags=["attendance"], route_class=CheckedRoute)
RosterReader = Annotated[Principal, holding(ROSTERS_READ)]
AttendanceTaker = Annotated[Principal, holding(ATTENDANCE_WRITE)]
Assessor = Annotated[Principal, holding(ASSESSMENTS_WRITE)]

_WHO_WRITES = (
    "By a trainer of the session (another trainer gets 404), a coordinator of the module's programme, or an admin."
)
ROSTER_COLUMNS: list[Column] = [
    ("officer_id", "Officer id"),
    ("full_name_ar", "Name (Arabic)"),
    ("name_latin", "Name (Latin)"),
    ("sex", "Sex"),
    ("agency_id", "Agency id"),
    ("nomination_status", "Status"),
    ("sessions_total", "Sessions"),
    ("sessions_held", "Held"),
    ("attended", "Attended"),
    ("excused", "Excused"),
    ("absent", "Absent"),
    ("attendance_rate_so_far", "Attendance so far", "percent"),
    ("attendance_rate_overall", "Attendance overall", "percent"),
    ("minimum_attendance_met", "Minimum met"),
    ("pre_test", "Pre-test"),
    ("post_test", "Post-test"),
    ("improved", "Improved"),
    ("completed", "Completed"),
]


@router.put(
    "/sessions/{session_id:uuid}/attendance",
    response_model=AttendanceRead,
    operation_id="put_attendance",
    summary="Record or correct a session's attendance",
    description="All or nothing: an officer not enrolled in the module, an officer listed twice, a reason or cause on "
    "a present mark, or an absence without a reason refuses the whole list with every bad row named (marks[i].field), "
    "and nothing is written. Officers left out keep their marks; a changed mark is a correction, kept in the history. "
    + _WHO_WRITES,
    responses=problems(404, 409),
)
async def put_attendance(
    session_id: uuid.UUID, data: AttendancePut, db: DbSession, principal: AttendanceTaker
) -> AttendanceRead:
    return await service.put_attendance(db, principal=principal, session_id=session_id, data=data)


@router.get(
    "/sessions/{session_id:uuid}/attendance",
    response_model=AttendanceRead,
    operation_id="get_attendance",
    summary="Get a session's attendance marks",
    description="Trainers see the sessions they teach, coordinators those of their programmes' modules (any other "
    "is a 404); focal points only the marks of their agency subtree's officers.",
    responses=problems(404),
)
async def get_attendance(session_id: uuid.UUID, db: DbSession, principal: RosterReader) -> AttendanceRead:
    return await service.get_attendance(db, principal=principal, session_id=session_id)


@router.get(
    "/sessions/{session_id:uuid}/attendance/history",
    response_model=list[AttendanceCorrectionRead],
    operation_id="get_attendance_history",
    summary="List the corrections of a session's attendance marks",
    description="Append-only, oldest first: who changed which mark, when, from what to what. Scoped like the marks.",
    responses=problems(404),
)
async def get_attendance_history(
    session_id: uuid.UUID, db: DbSession, principal: RosterReader
) -> list[AttendanceCorrectionRead]:
    return await service.attendance_history(db, principal=principal, session_id=session_id)


@router.put(
    "/modules/{module_id:uuid}/assessments",
    response_model=AssessmentsRead,
    operation_id="put_assessments",
    summary="Record pre- and post-test scores",
    description="Scores 0-100 per participant, upserted per (module, officer); a score left out keeps its value, null "
    "clears it. All or nothing: an officer not enrolled in the module or listed twice refuses the whole list. "
    "By a trainer teaching a session of the module (others get 404), a coordinator of its programme, or an admin.",
    responses=problems(404, 409),
)
async def put_assessments(
    module_id: uuid.UUID, data: AssessmentsPut, db: DbSession, principal: Assessor
) -> AssessmentsRead:
    return await service.put_assessments(db, principal=principal, module_id=module_id, data=data)


@router.get(
    "/modules/{module_id:uuid}/roster",
    response_model=RosterRead,
    operation_id="get_module_roster",
    summary="Get a module's roster with attendance, scores and completion",
    description="Per participant (nominations enrolled, completed or not completed): attendance rates over the "
    "sessions held so far and over all sessions, minimum attendance against the module's threshold, pre/post scores, "
    "improved (post > pre) and completed. Trainers see only modules they teach, coordinators only those of their "
    "programmes (else 404); focal points only their agency subtree's participants. Also as CSV or XLSX "
    "(?format=csv|xlsx or the Accept header).",
    responses=problems(404) | export_responses(),
)
async def get_module_roster(
    module_id: uuid.UUID, request: Request, db: DbSession, principal: RosterReader, format: ExportFormat = None
) -> RosterRead | Response:
    result = await roster.get_roster(db, principal=principal, module_id=module_id)
    return tabular(
        request,
        rows=lambda: [p.model_dump(mode="json") for p in result.participants],
        columns=ROSTER_COLUMNS,
        filename=f"roster-{module_id}",
        default=result,
    )


@router.get(
    "/me/sessions",
    response_model=Page[TaughtSessionRead],
    operation_id="list_my_sessions",
    summary="List the sessions I teach, with their attendance counts",
    description="For a trainer's account (other accounts teach no session: an empty list). `part=coming`: sessions "
    "running now, today's and the next seven days' (days in each cycle's time zone), soonest first; `part=to_take`: "
    "earlier, ended sessions where someone on the roster has no mark yet, latest first. Each with the roster's size "
    "and the marks per status (and how many are unmarked).",
    responses=problems(),
)
async def list_my_sessions(
    request: Request,
    response: Response,
    db: DbSession,
    principal: RosterReader,
    paging: Paging,
    part: Annotated[SessionsPart, Query(description="coming or to_take")] = "coming",
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await teaching.list_taught_sessions(
            db, principal=principal, part=part, now=utcnow(), limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.get(
    "/sessions/{session_id:uuid}/attendance-sheet",
    response_model=AttendanceSheetRead,
    operation_id="get_attendance_sheet",
    summary="Get a session's attendance sheet",
    description="The session (with its cycle's time zone and whether it has started) and everyone on its module's "
    "roster, by Latin name: names in Arabic and Latin script, agency, the mark for this session (null: not yet) and "
    "the module's pre- and post-test scores. Trainers see the sessions they teach (else 404); focal points only "
    "their agency subtree's participants.",
    responses=problems(404),
)
async def get_attendance_sheet(session_id: uuid.UUID, db: DbSession, principal: RosterReader) -> AttendanceSheetRead:
    return await teaching.get_attendance_sheet(db, principal=principal, session_id=session_id, now=utcnow())


@router.post(
    "/sessions/{session_id:uuid}/attendance/unmarked-present",
    response_model=AttendanceRead,
    operation_id="mark_unmarked_present",
    summary="Mark every unmarked participant present",
    description="Everyone on the roster without a mark for this session is marked present; a mark already taken is "
    "never changed. Refused before the session starts (422, as for any present mark). " + _WHO_WRITES,
    responses=problems(404, 409),
)
async def mark_unmarked_present(session_id: uuid.UUID, db: DbSession, principal: AttendanceTaker) -> AttendanceRead:
    return await teaching.mark_unmarked_present(db, principal=principal, session_id=session_id)
