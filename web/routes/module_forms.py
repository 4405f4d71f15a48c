"""The module page's forms, each one call of the area's own service with the version the page
showed (If-Match): status changes, sessions added or moved (with the clash explanation and the
override-with-reason), quotas, decisions on nominations, the waitlist's order, certificates and
vetting. Success goes back to the page at the section it changed (303); a refusal is the page
again with the refusal explained there (409, 412 or 422), nothing changed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.catalogue import session_service
from domain.catalogue.schemas import ModuleTransition, SessionCreate, SessionUpdate
from domain.certificates import service as certificates
from domain.certificates.schemas import Revocation
from domain.enrolment import nominations, quotas
from domain.enrolment.schemas import Decision, QuotaSet, QuotasPut
from domain.i18n import N_
from domain.lifecycle import service as lifecycle
from domain.models.catalogue import ModuleStatus
from domain.vetting import service as vetting
from domain.vetting.schemas import VettingCreate, VettingUpdate
from web.routes.desk_common import CheckedPlanner, Notice, back, explain, field_errors, module_page, person
from web.visitor import Visitor

router = APIRouter(prefix="/coordinator/modules/{module_id}", include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Many = Annotated[list[str], Form(max_length=200)]

FIELD_WORDS = {
    "reason": N_("Give a reason: it is kept with the change."),
    "override_reason": N_("Give the reason for keeping the double booking."),
    "title": N_("Give the session a title."),
    "day": N_("Enter the day as YYYY-MM-DD."),
    "starts": N_("Enter the time as HH:MM."),
    "ends": N_("Enter an end time after the start."),
    "seats": N_("Enter a whole number of seats."),
    "result_on": N_("Enter the day of the result as YYYY-MM-DD."),
    "valid_from": N_("Enter the day as YYYY-MM-DD."),
    "valid_until": N_("Enter the day as YYYY-MM-DD."),
    "needed_by": N_("Enter the day as YYYY-MM-DD."),
}


def _words(lang: str, names: list[str]) -> dict[str, str]:
    return {n: i18n.gettext(lang, FIELD_WORDS.get(n, N_("Check this field."))) for n in names}


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _version(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


async def _refused(
    request: Request,
    db: Any,
    visitor: Visitor,
    module_id: uuid.UUID,
    section: str,
    exc: e.DomainError,
    **page: Any,
) -> Response:
    """The page again with the refusal explained at `section`; a module (or record) that is not the
    person's to change is the missing page, as it is to read."""
    if isinstance(exc, (e.NotFound, e.Forbidden)):
        raise e.NotFound("No such page.") from None
    status, notice = explain(visitor.lang, section, exc)
    errors = page.pop("errors", {})
    if isinstance(exc, e.InvalidInput):
        for name, message in field_errors(visitor.lang, exc).items():  # our words where we have them
            errors[name] = i18n.gettext(visitor.lang, FIELD_WORDS[name]) if name in FIELD_WORDS else message
    return await module_page(request, db, visitor, module_id, status_code=status, notice=notice, errors=errors, **page)


async def _invalid(
    request: Request, db: Any, visitor: Visitor, module_id: uuid.UUID, section: str, names: list[str], **page: Any
) -> Response:
    notice = Notice(section, i18n.gettext(visitor.lang, N_("Check the marked fields: nothing was changed.")), "refused")
    errors = _words(visitor.lang, names)
    return await module_page(request, db, visitor, module_id, status_code=422, notice=notice, errors=errors, **page)


@router.post("/transition")
async def transition(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    to: Text = "",
    reason: Text = "",
    version: Text = "",
) -> Response:
    typed = {"to": to, "reason": reason}
    if to not in {s.value for s in ModuleStatus}:
        return await _invalid(request, db, visitor, module_id, "overview", ["to"], typed=typed)
    try:
        await lifecycle.transition_module(
            db,
            principal=person(visitor),
            module_id=module_id,
            data=ModuleTransition(to=ModuleStatus(to), reason=reason.strip() or None),
            expected_version=_version(version),
        )
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "overview", exc, typed=typed)
    return back(request, visitor, module_id, "transitioned", "overview")


def _times(zone: str, day: str, starts: str, ends: str) -> tuple[datetime | None, datetime | None, list[str]]:
    """The session's times, typed in the cycle's zone (the page says which it showed them in)."""
    on, start, end = _day(day), _clock(starts), _clock(ends)
    wrong = [name for name, value in (("day", on), ("starts", start), ("ends", end)) if value is None]
    try:
        tz = ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        return None, None, [*wrong, "day"]
    if on is None or start is None or end is None:
        return None, None, wrong
    return datetime.combine(on, start, tzinfo=tz), datetime.combine(on, end, tzinfo=tz), []


def _clashes(exc: e.DomainError) -> list[dict[str, Any]]:
    return list(exc.extra.get("conflicts", [])) if exc.code == "schedule-conflict" else []


@dataclass
class SessionForm:
    """What the add and move forms send: the times as typed in the cycle's zone, which the page names."""

    zone: str
    title: str
    day: str
    starts: str
    ends: str
    venue_id: str
    trainer_ids: list[str]
    override_reason: str


def _session_form(
    zone: Text = "UTC",
    title: Text = "",
    day: Text = "",
    starts: Text = "",
    ends: Text = "",
    venue_id: Text = "",
    trainer_ids: Many = [],  # noqa: B006 (FastAPI copies defaults)
    override_reason: Text = "",
) -> SessionForm:
    return SessionForm(zone, title, day, starts, ends, venue_id, trainer_ids, override_reason)


SessionFields = Annotated[SessionForm, Depends(_session_form)]


@router.post("/sessions")
async def add_session(
    request: Request, db: DbSession, visitor: CheckedPlanner, module_id: uuid.UUID, form: SessionFields
) -> Response:
    return await _save_session(request, db, visitor, module_id, None, "", form)


@router.post("/sessions/{session_id}")
async def move_session(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    session_id: uuid.UUID,
    form: SessionFields,
    version: Text = "",
) -> Response:
    return await _save_session(request, db, visitor, module_id, session_id, version, form)


async def _save_session(
    request: Request,
    db: Any,
    visitor: Visitor,
    module_id: uuid.UUID,
    session_id: uuid.UUID | None,
    version: str,
    form: SessionForm,
) -> Response:
    typed = {"session_id": session_id, **vars(form)}
    starts_at, ends_at, wrong = _times(form.zone, form.day, form.starts, form.ends)
    venue = _uuid(form.venue_id) if form.venue_id else None
    trainers = [t for t in (_uuid(x) for x in form.trainer_ids) if t is not None]
    if not form.title.strip():
        wrong.append("title")
    if wrong or (form.venue_id and venue is None):
        return await _invalid(request, db, visitor, module_id, "sessions", wrong or ["venue_id"], typed=typed)
    fields = {
        "title": form.title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue_id": venue,
        "trainer_ids": trainers,
        "override_reason": form.override_reason.strip() or None,
    }
    try:
        if session_id is None:
            await session_service.create_session(
                db, principal=person(visitor), module_id=module_id, data=SessionCreate(**fields)
            )
        else:
            await session_service.update_session(
                db,
                principal=person(visitor),
                session_id=session_id,
                data=SessionUpdate(**fields),
                expected_version=_version(version),
            )
    except ValidationError as exc:
        names = [str(err["loc"][-1]) for err in exc.errors() if err["loc"]] or ["ends"]
        names = ["ends" if n == "ends_at" else "starts" if n == "starts_at" else n for n in names]
        return await _invalid(request, db, visitor, module_id, "sessions", names, typed=typed)
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "sessions", exc, typed=typed, clashes=_clashes(exc))
    anchor = f"session-{session_id}" if session_id else "sessions"
    return back(request, visitor, module_id, "session-moved" if session_id else "session-added", anchor)


@router.post("/quotas")
async def set_quotas(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    agency_id: Many = [],  # noqa: B006
    seats: Many = [],  # noqa: B006
    version: Text = "",
) -> Response:
    """Each row an agency and its seats; a row whose seats are left empty is removed."""
    typed = {"agency_id": agency_id, "seats": seats}
    rows, wrong = [], []
    for agency, count in zip(agency_id, seats):
        if not agency or not count.strip():
            continue
        found = _uuid(agency)
        if found is None or not count.strip().isdigit():
            wrong.append("seats")
            continue
        rows.append(QuotaSet(agency_id=found, seats=int(count.strip())))
    if wrong:
        return await _invalid(request, db, visitor, module_id, "quotas", wrong, typed={"quotas": typed})
    try:
        await quotas.put_quotas(
            db,
            principal=person(visitor),
            module_id=module_id,
            data=QuotasPut(quotas=rows),
            expected_version=_version(version),
        )
    except ValidationError:
        return await _invalid(request, db, visitor, module_id, "quotas", ["seats"], typed={"quotas": typed})
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "quotas", exc, typed={"quotas": typed})
    return back(request, visitor, module_id, "quotas-saved", "quotas")


@router.post("/quotas/release")
async def release_quotas(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    reason: Text = "",
    version: Text = "",
) -> Response:
    try:
        result = await quotas.release_quotas(
            db,
            principal=person(visitor),
            module_id=module_id,
            reason=reason.strip() or None,
            expected_version=_version(version),
        )
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "quotas", exc)
    return back(
        request, visitor, module_id, "quotas-released", "quotas", warn="seat-passed-on" if result.promoted else ""
    )


@router.post("/nominations/{nomination_id}")
async def decide(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    nomination_id: uuid.UUID,
    decision: Text = "",
    reason: Text = "",
    version: Text = "",
    section: Text = "nominations",
) -> Response:
    """Accept (refused at capacity or quota: the page then offers the waitlist), waitlist, or
    decline with a reason."""
    section = section if section in ("nominations", "waitlist") else "nominations"
    typed = {"nomination_id": nomination_id, "decision": decision, "reason": reason}
    if decision not in ("accept", "waitlist", "reject"):
        return await _invalid(request, db, visitor, module_id, section, ["decision"], typed=typed)
    if decision == "reject" and not reason.strip():
        return await _invalid(request, db, visitor, module_id, section, ["reason"], typed=typed)
    try:
        result = await nominations.decide(
            db,
            principal=person(visitor),
            nomination_id=nomination_id,
            data=Decision(decision=decision, reason=reason.strip() or None, on_full="refuse"),  # type: ignore[arg-type]
            expected_version=_version(version),
        )
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, section, exc, typed=typed)
    done = {"accept": "promoted" if section == "waitlist" else "accepted", "waitlist": "waitlisted"}.get(
        decision, "declined"
    )
    warnings = [w.code for w in result.warnings] + (["seat-passed-on"] if result.promoted else [])
    return back(request, visitor, module_id, done, section, warn=",".join(warnings))


@router.post("/waitlist")
async def reorder(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    order: Many = [],  # noqa: B006
    move: Text = "",
    direction: Text = "",
    version: Text = "",
) -> Response:
    """Move one waiting nomination up or down by one place in the order the page showed."""
    shown = [n for n in (_uuid(x) for x in order) if n is not None]
    moving = _uuid(move)
    if moving not in shown or direction not in ("up", "down"):
        return await _invalid(request, db, visitor, module_id, "waitlist", ["order"])
    i = shown.index(moving)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(shown):
        shown[i], shown[j] = shown[j], shown[i]
    try:
        await quotas.reorder_waitlist(
            db, principal=person(visitor), module_id=module_id, nomination_ids=shown, expected_version=_version(version)
        )
    except (e.DomainError, ValidationError) as exc:
        if isinstance(exc, ValidationError):
            return await _invalid(request, db, visitor, module_id, "waitlist", ["order"])
        return await _refused(request, db, visitor, module_id, "waitlist", exc)
    return back(request, visitor, module_id, "reordered", "waitlist")


@router.post("/certificates")
async def issue(request: Request, db: DbSession, visitor: CheckedPlanner, module_id: uuid.UUID) -> Response:
    try:
        await certificates.issue_certificates(
            db, principal=person(visitor), keyring=request.app.state.keyring, module_id=module_id
        )
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "certificates", exc)
    return back(request, visitor, module_id, "issued", "certificates")


@router.post("/certificates/{certificate_id}/revoke")
async def revoke(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    certificate_id: uuid.UUID,
    reason: Text = "",
    version: Text = "",
) -> Response:
    typed = {"certificate_id": certificate_id, "reason": reason}
    if not reason.strip():
        return await _invalid(request, db, visitor, module_id, "certificates", ["reason"], typed=typed)
    try:
        await certificates.revoke_certificate(
            db,
            principal=person(visitor),
            certificate_id=certificate_id,
            data=Revocation(reason=reason.strip()),
            expected_version=_version(version),
        )
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "certificates", exc, typed=typed)
    return back(request, visitor, module_id, "revoked", "certificates")


@router.post("/vettings")
async def request_vetting(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    officer_id: Text = "",
    type: Text = "",
    requested_on: Text = "",
    needed_by: Text = "",
) -> Response:
    officer, requested, needed = _uuid(officer_id), _day(requested_on), _day(needed_by)
    typed = {"officer_id": officer_id, "needed_by": needed_by}
    wrong = [n for n, v in (("officer_id", officer), ("requested_on", requested), ("needed_by", needed)) if v is None]
    if wrong or officer is None or requested is None or needed is None:
        return await _invalid(request, db, visitor, module_id, "vetting", wrong, typed=typed)
    try:
        data = VettingCreate(type=type, requested_on=requested, needed_by=needed, module_id=module_id)  # type: ignore[arg-type]
        await vetting.create_vetting(db, principal=person(visitor), officer_id=officer, data=data)
    except ValidationError as exc:
        names = [str(err["loc"][-1]) for err in exc.errors() if err["loc"]] or ["needed_by"]
        return await _invalid(request, db, visitor, module_id, "vetting", names, typed=typed)
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "vetting", exc, typed=typed)
    return back(request, visitor, module_id, "vetting-requested", "vetting")


@router.post("/vettings/{vetting_id}")
async def record_vetting(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    vetting_id: uuid.UUID,
    status: Text = "",
    result_on: Text = "",
    valid_from: Text = "",
    valid_until: Text = "",
    external_reference: Text = "",
    version: Text = "",
) -> Response:
    typed = {"vetting_id": vetting_id, "status": status, "result_on": result_on}
    typed |= {"valid_from": valid_from, "valid_until": valid_until, "external_reference": external_reference}
    days = {"result_on": result_on, "valid_from": valid_from, "valid_until": valid_until}
    parsed = {k: _day(v) for k, v in days.items() if v.strip()}
    wrong = [k for k, v in parsed.items() if v is None]
    if status not in ("approved", "rejected"):
        wrong.append("status")
    if wrong:
        return await _invalid(request, db, visitor, module_id, "vetting", wrong, typed=typed)
    fields: dict[str, Any] = {"status": status, **parsed}
    if external_reference.strip():
        fields["external_reference"] = external_reference.strip()
    try:
        await vetting.update_vetting(
            db,
            principal=person(visitor),
            vetting_id=vetting_id,
            data=VettingUpdate(**fields),
            expected_version=_version(version),
        )
    except ValidationError:
        return await _invalid(request, db, visitor, module_id, "vetting", ["external_reference"], typed=typed)
    except e.DomainError as exc:
        return await _refused(request, db, visitor, module_id, "vetting", exc, typed=typed)
    return back(request, visitor, module_id, "vetting-recorded", "vetting")
