"""The planner's forms: a session moved to another day or time (update_session, with the version
the planner showed, the API's clash explanation and the override-with-reason), and a module
created in the cycle (create_module), which then opens on its own page to add its sessions.
Success goes back (303) with the view and filters kept; a refusal is the planner again with the
reason where it happened (409, 412 or 422), nothing changed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.catalogue import module_service, session_service
from domain.catalogue.models import ModuleFormat
from domain.catalogue.schemas import ModuleCreate, SessionUpdate
from domain.i18n import N_
from domain.planner.rules import View
from web.routes.desk_common import CheckedPlanner, Notice, explain, field_errors, person
from web.routes.module_forms import FIELD_WORDS, _times, _version
from web.routes.planner import parse_uuid, planner_address, planner_page, shown_of
from web.templating import finish
from web.visitor import Visitor

router = APIRouter(prefix="/coordinator/cycles/{cycle_id}/planner", include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
MODULE_WORDS = {
    "code": N_("Give the module a code (letters, digits and dashes)."),
    "title": N_("Give the module a title."),
    "discipline": N_("Choose a discipline."),
    "format": N_("Choose a format."),
    "capacity": N_("Enter the number of seats, a whole number above zero."),
}
CHECK = N_("Check the marked fields: nothing was changed.")


def _go(request: Request, visitor: Visitor, location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    finish(request, visitor, response)
    return response


def _words(lang: str, names: list[str], table: dict[str, str]) -> dict[str, str]:
    return {n: i18n.gettext(lang, table.get(n, N_("Check this field."))) for n in names}


@router.post("/sessions/{session_id}")
async def move_session(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    cycle_id: uuid.UUID,
    session_id: uuid.UUID,
    zone: Text = "UTC",
    day: Text = "",
    starts: Text = "",
    ends: Text = "",
    override_reason: Text = "",
    version: Text = "",
    view: Text = "month",
    on: Text = "",
    discipline: Text = "",
    venue: Text = "",
    trainer: Text = "",
    agency: Text = "",
) -> Response:
    shown = shown_of(view, on, discipline, venue, trainer, agency)
    typed = {"day": day, "starts": starts, "ends": ends, "override_reason": override_reason}
    section = f"session-{session_id}"
    starts_at, ends_at, wrong = _times(zone, day, starts, ends)

    async def again(status: int, notice: Notice, **refused: Any) -> Response:
        refused = {"session_id": session_id, "typed": typed, **refused}
        return await planner_page(
            request, db, visitor, cycle_id, shown, status_code=status, notice=notice, refused=refused
        )

    if wrong:
        notice = Notice(section, i18n.gettext(visitor.lang, CHECK), "refused")
        return await again(422, notice, errors=_words(visitor.lang, wrong, FIELD_WORDS))
    data: dict[str, Any] = {"starts_at": starts_at, "ends_at": ends_at}
    if override_reason.strip():
        data["override_reason"] = override_reason.strip()
    try:
        moved, warnings = await session_service.update_session(
            db,
            principal=person(visitor),
            session_id=session_id,
            data=SessionUpdate(**data),
            expected_version=_version(version),
        )
    except ValidationError:
        notice = Notice(section, i18n.gettext(visitor.lang, CHECK), "refused")
        return await again(422, notice, errors=_words(visitor.lang, ["ends"], FIELD_WORDS))
    except e.DomainError as exc:
        if isinstance(exc, (e.NotFound, e.Forbidden)):
            raise e.NotFound("No such page.") from None
        status, notice = explain(visitor.lang, section, exc)
        clashes = list(exc.extra.get("conflicts", [])) if exc.code == "schedule-conflict" else []
        errors = field_errors(visitor.lang, exc) if isinstance(exc, e.InvalidInput) else {}
        return await again(status, notice, clashes=clashes, errors=errors)
    calendar = any(w["code"] in {"holiday", "non-working-day", "outside-cycle"} for w in warnings)
    extra = {"done": "session-moved", **({"warn": "calendar"} if calendar else {})}
    # Back to the view the person was on, or (a week) to the week the session went to.
    on_day = shown.on if shown.view is View.month and shown.on else moved.starts_at.astimezone(ZoneInfo(zone)).date()
    return _go(
        request,
        visitor,
        planner_address(cycle_id, shown.view, on_day, shown.filters, **extra) + f"#session-{session_id}",
    )


@router.post("/modules")
async def create_module(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    cycle_id: uuid.UUID,
    code: Text = "",
    title: Text = "",
    module_discipline: Text = "",
    format: Text = "",
    capacity: Text = "",
    venue_id: Text = "",
    view: Text = "month",
    on: Text = "",
    discipline: Text = "",
    venue: Text = "",
    trainer: Text = "",
    agency: Text = "",
) -> Response:
    shown = shown_of(view, on, discipline, venue, trainer, agency)
    typed = {
        "code": code,
        "title": title,
        "module_discipline": module_discipline,
        "format": format,
        "capacity": capacity,
        "venue_id": venue_id,
    }

    async def again(status: int, notice: Notice, errors: dict[str, str]) -> Response:
        refused = {"module": True, "typed": typed, "errors": errors}
        return await planner_page(
            request, db, visitor, cycle_id, shown, status_code=status, notice=notice, refused=refused
        )

    wrong = [n for n in ("code", "title") if not typed[n].strip()]
    if not module_discipline.strip():
        wrong.append("discipline")
    if format not in {f.value for f in ModuleFormat}:
        wrong.append("format")
    if not capacity.strip().isdigit() or int(capacity.strip()) <= 0:
        wrong.append("capacity")
    if wrong:
        notice = Notice("new-module", i18n.gettext(visitor.lang, CHECK), "refused")
        return await again(422, notice, _words(visitor.lang, wrong, MODULE_WORDS))
    try:
        data = ModuleCreate(
            cycle_id=cycle_id,
            code=code.strip(),
            title=title.strip(),
            discipline=module_discipline.strip(),
            format=ModuleFormat(format),
            capacity=int(capacity.strip()),
            venue_id=parse_uuid(venue_id),
        )
    except ValidationError as exc:
        names = [str(err["loc"][-1]) for err in exc.errors() if err["loc"]] or ["code"]
        notice = Notice("new-module", i18n.gettext(visitor.lang, CHECK), "refused")
        return await again(422, notice, _words(visitor.lang, names, MODULE_WORDS))
    try:
        module = await module_service.create_module(db, principal=person(visitor), data=data)
    except e.DomainError as exc:
        errors = field_errors(visitor.lang, exc) if isinstance(exc, e.InvalidInput) else {}
        if isinstance(exc, (e.Forbidden, e.NotFound)) or "cycle_id" in errors:
            raise e.NotFound("No such page.") from None  # another programme's cycle, or none
        status, notice = explain(visitor.lang, "new-module", exc)
        return await again(status, notice, {k: v for k, v in errors.items() if k in MODULE_WORDS or k == "venue_id"})
    return _go(request, visitor, f"/coordinator/modules/{module.id}?done=module-created#sessions")
