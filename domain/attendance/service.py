"""Attendance marks per session (with their corrections) and assessment scores per module.

Both writes are all or nothing: every row is checked first, and one bad row refuses the whole
list with every bad row named (`marks[3].officer_id`); nothing is written then."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.teaching import module_for, session_for
from domain.attendance import rules
from domain.attendance.bulk import update_rows
from domain.attendance.schemas import (
    AssessmentRead,
    AssessmentsPut,
    AssessmentsRead,
    AttendanceCorrectionRead,
    AttendanceMarkRead,
    AttendancePut,
    AttendanceRead,
)
from domain.audit.service import plain, record_change, record_read
from domain.auth.policy import ASSESSMENTS_WRITE, ATTENDANCE_WRITE, ROSTERS_READ, authorize
from domain.auth.principal import Principal
from domain.crud import flush_or_conflict
from domain.db import utcnow
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.ids import uuid7
from domain.models.attendance import Assessment, AttendanceCorrection, AttendanceMark
from domain.models.catalogue import TrainingSession
from domain.models.enrolment import ON_ROSTER, Nomination
from domain.models.officers import Officer
from domain.officers.agencies import agencies_of
from domain.outbox.service import emit

MARK = "attendance_mark"
ASSESSMENT = "assessment"
_DETAILS = ("reason", "cause", "note")


async def _on_roster(
    session: AsyncSession, principal: Principal, module_id: uuid.UUID, officer_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of `officer_ids` on the module's roster as the principal sees it (one query): anyone
    else is "not enrolled", whether absent from the roster or outside the principal's reach."""
    stmt = (
        select(Nomination.officer_id)
        .join(Officer, Officer.id == Nomination.officer_id)
        .where(
            Nomination.module_id == module_id,
            Nomination.officer_id.in_(set(officer_ids)),
            Nomination.status.in_(ON_ROSTER),
            need_to_know.roster_participants(principal),
        )
    )
    return set(await session.scalars(stmt))


def _seen_on_roster(principal: Principal, officer_id: Any) -> ColumnElement[bool]:
    """Rows keyed by officer (marks, scores) of participants the principal sees on a roster."""
    condition: ColumnElement[bool] = officer_id.in_(
        select(Officer.id).where(need_to_know.roster_participants(principal))
    )
    return condition


async def _check_rows(
    session: AsyncSession,
    principal: Principal,
    module_id: uuid.UUID,
    rows: Sequence[Any],
    list_name: str,
    row_problems: Callable[[Any], Iterable[tuple[str, Any]]] = lambda row: (),
) -> None:
    """Every bad row, named; raise if there is any."""
    enrolled = await _on_roster(session, principal, module_id, [r.officer_id for r in rows])
    errors: list[dict[str, Any]] = []  # a message may be text rendered in the reader's language
    first_at: dict[uuid.UUID, int] = {}
    for i, row in enumerate(rows):
        where = f"{list_name}[{i}]"
        if row.officer_id in first_at:
            errors.append(
                {
                    "field": f"{where}.officer_id",
                    "message": f"officer {row.officer_id} is listed twice (first at "
                    f"{list_name}[{first_at[row.officer_id]}])",
                }
            )
        else:
            first_at[row.officer_id] = i
        if row.officer_id not in enrolled:
            errors.append(
                {"field": f"{where}.officer_id", "message": f"officer {row.officer_id} is not enrolled in this module"}
            )
        errors += [{"field": f"{where}.{field}", "message": message} for field, message in row_problems(row)]
    if errors:
        bad = len({e["field"].split(".")[0] for e in errors})
        raise InvalidInput(
            translatable(
                "{bad} of {count} {list_name} rows are wrong; nothing was recorded.",
                bad=bad,
                count=len(rows),
                list_name=list_name,
            ),
            errors=errors,
        )


# --- attendance ---------------------------------------------------------------------------------


def _details(mark: AttendanceMark) -> dict[str, Any]:
    return {f: plain(getattr(mark, f)) for f in _DETAILS}


async def _marks(session: AsyncSession, principal: Principal, session_id: uuid.UUID) -> list[AttendanceMark]:
    stmt = (
        select(AttendanceMark)
        .join(Officer, Officer.id == AttendanceMark.officer_id)
        .where(AttendanceMark.session_id == session_id, need_to_know.roster_participants(principal))
        .order_by(Officer.name_latin_key, Officer.id)
    )
    return list(await session.scalars(stmt))


def _attendance(ts: TrainingSession, marks: list[AttendanceMark]) -> AttendanceRead:
    return AttendanceRead(
        session_id=ts.id, module_id=ts.module_id, marks=[AttendanceMarkRead.model_validate(m) for m in marks]
    )


async def put_attendance(
    session: AsyncSession,
    *,
    principal: Principal,
    session_id: uuid.UUID,
    data: AttendancePut,
    keep_marked: bool = False,
) -> AttendanceRead:
    """With `keep_marked`, a participant who already has a mark keeps it (fill the blanks only)."""
    authorize(principal, ATTENDANCE_WRITE)
    ts = await session_for(session, principal, session_id, write=True)
    now = utcnow()

    def problems(m: Any) -> list[tuple[str, Any]]:
        early = rules.too_early(m.status, ts.starts_at, now)
        return rules.mark_problems(m.status, m.reason, m.cause) + ([("status", early)] if early else [])

    await _check_rows(session, principal, ts.module_id, data.marks, "marks", problems)
    stored = {
        m.officer_id: m
        for m in await session.scalars(
            select(AttendanceMark)
            .where(
                AttendanceMark.session_id == ts.id,
                AttendanceMark.officer_id.in_([m.officer_id for m in data.marks]),
                _seen_on_roster(principal, AttendanceMark.officer_id),
            )
            .with_for_update()
        )
    }
    corrected = []
    agencies = await agencies_of(session, [m.officer_id for m in data.marks])
    for row in data.marks:
        mark = stored.get(row.officer_id)
        if mark is not None and keep_marked:
            continue
        values = row.model_dump(include={"status", *_DETAILS})
        if mark is None:
            mark = AttendanceMark(
                id=uuid7(), session_id=ts.id, officer_id=row.officer_id, recorded_by=principal.name, **values
            )
            session.add(mark)
            record_change(
                session,
                principal=principal,
                action="created",
                entity=MARK,
                entity_id=mark.id,
                changes={f: (None, v) for f, v in values.items()}
                | {"session_id": (None, ts.id), "officer_id": (None, row.officer_id)},
            )
            emit(
                session,
                "attendance.recorded",
                resource_id=mark.id,
                officer_id=row.officer_id,
                agency_id=agencies.get(row.officer_id),
                data={"session_id": ts.id, "officer_id": row.officer_id, "status": row.status.value},
            )
            continue
        changes = {f: (getattr(mark, f), v) for f, v in values.items() if getattr(mark, f) != v}
        if not changes:
            continue
        after = {f: plain(v) for f, v in values.items() if f in _DETAILS}
        session.add(
            AttendanceCorrection(
                mark_id=mark.id,
                actor_name=principal.name,
                from_status=mark.status.value,
                to_status=row.status.value,
                before=json.dumps(_details(mark), ensure_ascii=False),
                after=json.dumps(after, ensure_ascii=False),
            )
        )
        record_change(session, principal=principal, action="updated", entity=MARK, entity_id=mark.id, changes=changes)
        emit(
            session,
            "attendance.corrected",
            resource_id=mark.id,
            officer_id=row.officer_id,
            agency_id=agencies.get(row.officer_id),
            data={
                "session_id": ts.id,
                "officer_id": row.officer_id,
                "status": row.status.value,
                "previous_status": mark.status.value,
            },
        )
        corrected.append((mark, values | {"recorded_by": principal.name}))
    await update_rows(session, corrected)
    await flush_or_conflict(session, "The attendance")
    return _attendance(ts, await _marks(session, principal, ts.id))


async def get_attendance(session: AsyncSession, *, principal: Principal, session_id: uuid.UUID) -> AttendanceRead:
    authorize(principal, ROSTERS_READ)
    ts = await session_for(session, principal, session_id, write=False)
    marks = await _marks(session, principal, ts.id)
    if need_to_know.logs_reads(principal):
        record_read(
            session, principal=principal, entity="attendance", filters={"session_id": ts.id}, row_count=len(marks)
        )
    return _attendance(ts, marks)


async def attendance_history(
    session: AsyncSession, *, principal: Principal, session_id: uuid.UUID
) -> list[AttendanceCorrectionRead]:
    """Every correction of the session's marks, oldest first (first recordings are not corrections)."""
    authorize(principal, ROSTERS_READ)
    ts = await session_for(session, principal, session_id, write=False)
    stmt = (
        select(AttendanceCorrection, AttendanceMark.officer_id)
        .join(AttendanceMark, AttendanceMark.id == AttendanceCorrection.mark_id)
        .join(Officer, Officer.id == AttendanceMark.officer_id)
        .where(AttendanceMark.session_id == ts.id, need_to_know.roster_participants(principal))
        .order_by(AttendanceCorrection.at, AttendanceCorrection.id)
    )
    rows = (await session.execute(stmt)).all()
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity="attendance_history",
            filters={"session_id": ts.id},
            row_count=len(rows),
        )
    return [
        AttendanceCorrectionRead(
            officer_id=officer_id,
            at=c.at,
            actor_name=c.actor_name,
            from_status=c.from_status,
            to_status=c.to_status,
            before=json.loads(c.before) if c.before else None,
            after=json.loads(c.after) if c.after else None,
        )
        for c, officer_id in rows
    ]


# --- assessments --------------------------------------------------------------------------------


def _assessment_read(a: Assessment) -> AssessmentRead:
    return AssessmentRead(
        officer_id=a.officer_id,
        pre_test=a.pre_test,
        post_test=a.post_test,
        improved=rules.improved(a.pre_test, a.post_test),
    )


async def put_assessments(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, data: AssessmentsPut
) -> AssessmentsRead:
    """Upsert per (module, officer): a score left out keeps its value, null clears it."""
    authorize(principal, ASSESSMENTS_WRITE)
    module = await module_for(session, principal, module_id, write=True)
    await _check_rows(session, principal, module.id, data.scores, "scores")
    stored = {
        a.officer_id: a
        for a in await session.scalars(
            select(Assessment)
            .where(
                Assessment.module_id == module.id,
                Assessment.officer_id.in_([s.officer_id for s in data.scores]),
                _seen_on_roster(principal, Assessment.officer_id),
            )
            .with_for_update()
        )
    }
    updated = []
    agencies = await agencies_of(session, [s.officer_id for s in data.scores])
    for row in data.scores:
        values = row.model_dump(include={"pre_test", "post_test"} & row.model_fields_set)
        assessment = stored.get(row.officer_id)
        if assessment is None:
            assessment = Assessment(
                id=uuid7(),
                module_id=module.id,
                officer_id=row.officer_id,
                pre_test=values.get("pre_test"),
                post_test=values.get("post_test"),
            )
            session.add(assessment)
            record_change(
                session,
                principal=principal,
                action="created",
                entity=ASSESSMENT,
                entity_id=assessment.id,
                changes={
                    "module_id": (None, module.id),
                    "officer_id": (None, row.officer_id),
                    "pre_test": (None, assessment.pre_test),
                    "post_test": (None, assessment.post_test),
                },
            )
            emit(
                session,
                "assessment.recorded",
                resource_id=assessment.id,
                officer_id=row.officer_id,
                agency_id=agencies.get(row.officer_id),
                data={"module_id": module.id, "officer_id": row.officer_id, "changed": sorted(values)},
            )
            continue
        changes = {f: (getattr(assessment, f), v) for f, v in values.items() if getattr(assessment, f) != v}
        if changes:
            record_change(
                session,
                principal=principal,
                action="updated",
                entity=ASSESSMENT,
                entity_id=assessment.id,
                changes=changes,
            )
            emit(
                session,
                "assessment.recorded",
                resource_id=assessment.id,
                officer_id=row.officer_id,
                agency_id=agencies.get(row.officer_id),
                data={"module_id": module.id, "officer_id": row.officer_id, "changed": sorted(changes)},
            )
            updated.append((assessment, {f: values.get(f, getattr(assessment, f)) for f in ("pre_test", "post_test")}))
    await update_rows(session, updated)
    await flush_or_conflict(session, "The assessments")
    stmt = (
        select(Assessment)
        .join(Officer, Officer.id == Assessment.officer_id)
        .where(Assessment.module_id == module.id, need_to_know.roster_participants(principal))
        .order_by(Officer.name_latin_key, Officer.id)
    )
    return AssessmentsRead(module_id=module.id, scores=[_assessment_read(a) for a in await session.scalars(stmt)])
