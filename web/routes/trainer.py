"""The trainer's screens, made for a tablet: "My sessions" and a session's roster, where each
participant's mark is saved as it is tapped (attendance service), every unmarked participant can
be marked present at once, and pre- and post-test scores are entered (assessments service).

Without JavaScript every form posts and comes back to the roster; with it (htmx and
static/app.js) a row is saved in place with an Idempotency-Key and retried when the network drops."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from api.deps import DbSession
from domain import i18n
from domain.attendance import service, teaching
from domain.attendance.schemas import AssessmentIn, AssessmentsPut, AttendanceMarkIn, AttendancePut
from domain.attendance.sheet_schemas import AttendanceSheetRead, SessionsPart, SheetRow
from domain.db import utcnow
from domain.errors import InvalidInput
from domain.i18n import N_
from domain.models.attendance import AbsenceCause, AbsenceReason, AttendanceStatus
from web import roster_row
from web.templating import finish, render
from web.visitor import CSRF_FIELD, CheckedPerson, SignedInVisitor, Visitor

router = APIRouter(prefix="/trainer", include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
PAGE_SIZE = 20
STATUS_LABELS = {
    AttendanceStatus.present: N_("Present"),
    AttendanceStatus.late: N_("Late"),
    AttendanceStatus.absent: N_("Absent"),
    AttendanceStatus.excused: N_("Excused"),
}
REASON_LABELS = {AbsenceReason.no_show: N_("Did not come"), AbsenceReason.cancellation: N_("Cancelled beforehand")}
CAUSE_LABELS = {
    AbsenceCause.unknown: N_("Unknown"),
    AbsenceCause.illness: N_("Illness"),
    AbsenceCause.emergency: N_("Emergency"),
    AbsenceCause.work: N_("Work"),
}
STATUS_VALUES = frozenset(s.value for s in AttendanceStatus)
LABELS: dict[str, dict[Any, str]] = {"statuses": STATUS_LABELS, "reasons": REASON_LABELS, "causes": CAUSE_LABELS}


@lru_cache
def labels_in(lang: str) -> dict[str, dict[Any, str]]:
    """The roster's labels in a language, translated once per process (not once per row)."""
    return {kind: {k: i18n.gettext(lang, v) for k, v in found.items()} for kind, found in LABELS.items()}


def _person(visitor: Visitor) -> Any:
    assert visitor.person is not None
    return visitor.person


@router.get("/sessions")
async def my_sessions(
    request: Request,
    db: DbSession,
    visitor: SignedInVisitor,
    coming: str | None = None,
    to_take: str | None = None,
) -> Response:
    """Today's and the coming week's sessions first, then earlier ones with attendance still to
    take; each list pages like the API (its own cursor)."""
    now, person = utcnow(), _person(visitor)
    parts = {}
    cursors: tuple[tuple[SessionsPart, str | None], ...] = (("coming", coming), ("to_take", to_take))
    for part, cursor in cursors:
        items, next_cursor = await teaching.list_taught_sessions(
            db, principal=person, part=part, now=now, limit=PAGE_SIZE, cursor=cursor
        )
        parts[part] = {"items": items, "next": next_cursor, "paged": cursor is not None}
    return render(request, visitor, "trainer/sessions.html", parts=parts, labels=LABELS)


async def _sheet(db: Any, visitor: Visitor, session_id: uuid.UUID) -> AttendanceSheetRead:
    return await teaching.get_attendance_sheet(db, principal=_person(visitor), session_id=session_id, now=utcnow())


def _roster(
    request: Request,
    visitor: Visitor,
    sheet: AttendanceSheetRead,
    *,
    status_code: int = 200,
    template: str = "trainer/roster.html",
    typed: dict[uuid.UUID, dict[str, Any]] | None = None,
    errors: dict[uuid.UUID, dict[str, str]] | None = None,
    only: uuid.UUID | None = None,
    notice: str | None = None,
    opened: uuid.UUID | None = None,
) -> Response:
    typed, errors = typed or {}, errors or {}

    def write_row(p: SheetRow) -> Markup:
        return roster_row.row(
            p,
            row_view(p, typed.get(p.officer_id, {})),
            errors.get(p.officer_id, {}),
            session_id=sheet.session.id,
            csrf_field=CSRF_FIELD,
            csrf=visitor.form_token,
            lang=visitor.lang,
            labels=LABELS,
            opened=opened,  # the participant whose scores box stays open (their scores were just saved)
        )

    return render(
        request,
        visitor,
        template,
        status_code=status_code,
        sheet=sheet,
        labels=labels_in(visitor.lang),
        row=next((p for p in sheet.participants if p.officer_id == only), None),
        notice=notice,
        write_row=write_row,
        write_rows=lambda rows: Markup("".join([write_row(p) for p in rows])),  # one call from the template
    )


@router.get("/sessions/{session_id}")
async def roster(request: Request, db: DbSession, visitor: SignedInVisitor, session_id: uuid.UUID) -> Response:
    return _roster(request, visitor, await _sheet(db, visitor, session_id))


def _back(request: Request, visitor: Visitor, session_id: uuid.UUID, anchor: str = "") -> Response:
    response = RedirectResponse(f"/trainer/sessions/{session_id}{anchor}", status_code=303)
    finish(request, visitor, response)
    return response


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _messages(exc: InvalidInput, lang: str) -> dict[str, str]:
    """The refusal's field errors (marks[0].status -> status), in the person's language."""
    found = {}
    for error in exc.extra.get("errors", []):
        field = str(error["field"]).rsplit(".", 1)[-1]
        found[field] = str(i18n.localized(error["message"], lang))
    return found or {"status": exc.message.render(lang) if exc.message else exc.detail}


@router.post("/sessions/{session_id}/marks")
async def save_mark(
    request: Request,
    db: DbSession,
    visitor: CheckedPerson,
    session_id: uuid.UUID,
    officer_id: Text = "",
    status: Text = "",
    reason: Text = "",
    cause: Text = "",
    note: Text = "",
) -> Response:
    """One participant's mark, through the attendance service (an unchanged mark changes nothing;
    a changed one is a correction kept in the history)."""
    person = _person(visitor)
    officer = _uuid(officer_id)
    typed = {"status": status, "reason": reason, "cause": cause, "note": note}
    problems: dict[str, str] = {}
    if officer is None:
        sheet = await _sheet(db, visitor, session_id)  # a 404 for a session that is not theirs
        return _roster(request, visitor, sheet, status_code=422, notice=N_("Choose a participant."))
    try:
        absent = status in (AttendanceStatus.absent, AttendanceStatus.excused)
        mark = AttendanceMarkIn(
            officer_id=officer,
            status=AttendanceStatus(status) if status in STATUS_VALUES else None,  # type: ignore[arg-type]
            reason=(reason or AbsenceReason.no_show) if status == AttendanceStatus.absent else None,
            cause=(cause or None) if absent else None,
            note=note.strip() or None,
        )
    except ValidationError:
        problems["status"] = i18n.gettext(visitor.lang, N_("Choose present, late, absent or excused."))
    else:
        try:
            await service.put_attendance(db, principal=person, session_id=session_id, data=AttendancePut(marks=[mark]))
        except InvalidInput as exc:
            problems = _messages(exc, visitor.lang)
    if not problems and request.headers.get("HX-Request") != "true":
        return _back(request, visitor, session_id, f"#p-{officer}")
    sheet = await _sheet(db, visitor, session_id)
    return _roster(
        request,
        visitor,
        sheet,
        status_code=422 if problems else 200,
        template="trainer/_row_answer.html" if request.headers.get("HX-Request") == "true" else "trainer/roster.html",
        typed={officer: typed} if problems else None,
        errors={officer: problems} if problems else None,
        only=officer,
    )


@router.post("/sessions/{session_id}/present")
async def mark_unmarked_present(
    request: Request, db: DbSession, visitor: CheckedPerson, session_id: uuid.UUID
) -> Response:
    """Every unmarked participant present; marks already taken are kept."""
    try:
        await teaching.mark_unmarked_present(db, principal=_person(visitor), session_id=session_id)
    except InvalidInput as exc:
        sheet = await _sheet(db, visitor, session_id)
        return _roster(
            request, visitor, sheet, status_code=422, notice=next(iter(_messages(exc, visitor.lang).values()))
        )
    if request.headers.get("HX-Request") != "true":
        return _back(request, visitor, session_id)
    return _roster(request, visitor, await _sheet(db, visitor, session_id))


def _score(text: str) -> tuple[float | None, str | None]:
    if not text.strip():
        return None, None
    try:
        value = float(text.strip().replace(",", ".").translate(str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.")))
    except ValueError:
        return None, N_("Enter a number from 0 to 100.")
    if not 0 <= value <= 100:
        return None, N_("Enter a number from 0 to 100.")
    return value, None


@router.post("/sessions/{session_id}/scores")
async def save_scores(
    request: Request,
    db: DbSession,
    visitor: CheckedPerson,
    session_id: uuid.UUID,
    officer_id: Text = "",
    pre_test: Text = "",
    post_test: Text = "",
) -> Response:
    """One participant's pre- and post-test scores for the module (an empty box clears it)."""
    sheet = await _sheet(db, visitor, session_id)  # a 404 for a session that is not theirs
    officer = _uuid(officer_id)
    pre, pre_error = _score(pre_test)
    post, post_error = _score(post_test)
    problems = {k: i18n.gettext(visitor.lang, v) for k, v in (("pre_test", pre_error), ("post_test", post_error)) if v}
    if officer is not None and not problems:
        try:
            await service.put_assessments(
                db,
                principal=_person(visitor),
                module_id=sheet.session.module_id,
                data=AssessmentsPut(scores=[AssessmentIn(officer_id=officer, pre_test=pre, post_test=post)]),
            )
        except InvalidInput as exc:
            problems = _messages(exc, visitor.lang)
    if officer is None:
        problems = {"pre_test": i18n.gettext(visitor.lang, N_("Choose a participant."))}
    if not problems and request.headers.get("HX-Request") != "true":
        return _back(request, visitor, session_id, f"#p-{officer}")
    if not problems:
        sheet = await _sheet(db, visitor, session_id)
    typed = {"pre_test": pre_test, "post_test": post_test}
    return _roster(
        request,
        visitor,
        sheet,
        status_code=422 if problems else 200,
        template="trainer/_row_answer.html" if request.headers.get("HX-Request") == "true" else "trainer/roster.html",
        typed={officer: typed} if officer and problems else None,
        errors={officer: problems} if officer and problems else None,
        only=officer,
        opened=officer,
    )


def row_view(row: SheetRow, typed: dict[str, Any]) -> dict[str, Any]:
    """A participant's row as the form shows it: what was typed when it was refused, else stored."""
    return {
        "status": typed.get("status", row.status.value if row.status else ""),
        "reason": typed.get("reason", row.reason.value if row.reason else ""),
        "cause": typed.get("cause", row.cause.value if row.cause else ""),
        "note": typed.get("note", row.note or ""),
        "pre_test": typed.get("pre_test", _plain(row.pre_test)),
        "post_test": typed.get("post_test", _plain(row.post_test)),
    }


def _plain(score: float | None) -> str:
    if score is None:
        return ""
    return str(int(score)) if score == int(score) else str(score)
