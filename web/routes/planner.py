"""The cycle planner: GET /coordinator/cycles (the cycles one plans) and
/coordinator/cycles/{cycle_id}/planner, a month or a week of the cycle's sessions in its zone,
weeks from Sunday, holidays and weekends shown, clash badges, filtered by discipline, venue,
trainer and agency (query parameters, kept in every link). From it a session is moved and a
module created with the same services as the API (planner_forms.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.dates import format_date, get_day_names
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.catalogue.models import ModuleFormat
from domain.i18n import N_, formatting
from domain.planner.rules import View
from domain.planner.schemas import PlannerFilters
from domain.planner.service import planned_cycle_choices, read_planner
from web.routes.desk_common import Notice, Planner, person
from web.templating import render
from web.visitor import Visitor

router = APIRouter(prefix="/coordinator/cycles", include_in_schema=False)
Param = Annotated[str, Query(max_length=100)]

PLANNER_DONE = {"session-moved": N_("The session was moved.")}
PLANNER_WARNINGS = {"calendar": N_("Saved, with a calendar warning: see the session's badges.")}
FORMATS = {
    ModuleFormat.course: N_("Course"),
    ModuleFormat.workshop: N_("Workshop"),
    ModuleFormat.study_visit: N_("Study visit"),
    ModuleFormat.training_of_trainers: N_("Training of trainers"),
    ModuleFormat.high_level_meeting: N_("High-level meeting"),
}


def parse_uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID((text or "").strip())
    except ValueError:
        return None


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Shown:
    """What the planner shows: its view, its day and its filters (kept through every form)."""

    view: View
    on: date | None
    filters: PlannerFilters


def shown_of(view: str, on: str, discipline: str, venue: str, trainer: str, agency: str) -> Shown:
    return Shown(
        View.week if view == "week" else View.month, parse_day(on), filters_of(discipline, venue, trainer, agency)
    )


def filters_of(discipline: str, venue: str, trainer: str, agency: str) -> PlannerFilters:
    return PlannerFilters(
        discipline=discipline.strip() or None,
        venue_id=parse_uuid(venue),
        trainer_id=parse_uuid(trainer),
        agency_id=parse_uuid(agency),
    )


def kept(shown: View, day: date | None, f: PlannerFilters, **extra: str) -> str:
    """The view and filters as a query string, for every link and form that comes back here
    (`extra` may replace the view or the day)."""
    params = {
        "view": shown.value,
        "on": day.isoformat() if day else "",
        "discipline": f.discipline or "",
        "venue": str(f.venue_id or ""),
        "trainer": str(f.trainer_id or ""),
        "agency": str(f.agency_id or ""),
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v})


def planner_address(cycle_id: uuid.UUID, shown: View, day: date | None, f: PlannerFilters, **extra: str) -> str:
    query = kept(shown, day, f, **extra)
    return f"/coordinator/cycles/{cycle_id}/planner" + (f"?{query}" if query else "")


@router.get("")
async def cycles(request: Request, db: DbSession, visitor: Planner) -> Response:
    found = await planned_cycle_choices(db, principal=person(visitor))
    return render(request, visitor, "coordinator/cycles.html", cycles=found)


async def planner_page(
    request: Request,
    db: Any,
    visitor: Visitor,
    cycle_id: uuid.UUID,
    shown: Shown,
    *,
    status_code: int = 200,
    notice: Notice | None = None,
    refused: dict[str, Any] | None = None,
) -> Response:
    try:
        plan = await read_planner(
            db,
            principal=person(visitor),
            cycle_id=cycle_id,
            view=shown.view,
            on=shown.on,
            filters=shown.filters,
        )
    except (e.NotFound, e.Forbidden):
        raise e.NotFound("No such page.") from None
    locale = i18n.language(visitor.lang).locale
    names = get_day_names("wide", locale=locale)  # 0 is Monday
    return render(
        request,
        visitor,
        "coordinator/planner.html",
        status_code=status_code,
        p=plan,
        notice=notice,
        refused=refused or {},
        day_names=[names[(i + 6) % 7] for i in range(7)],  # from Sunday
        heading=formatting.digits(
            format_date(plan.on, "LLLL y", locale=locale) if shown.view is View.month else "", visitor.digits
        ),
        address=lambda **extra: planner_address(cycle_id, plan.view, plan.on, plan.filters, **extra),
        kept_fields=[
            (k, v)
            for k, v in (
                ("view", plan.view.value),
                ("on", plan.on.isoformat()),
                ("discipline", plan.filters.discipline or ""),
                ("venue", str(plan.filters.venue_id or "")),
                ("trainer", str(plan.filters.trainer_id or "")),
                ("agency", str(plan.filters.agency_id or "")),
            )
            if v
        ],
        formats=FORMATS,
        local=formatting.local,
        clock=lambda moment: formatting.clock(moment, plan.cycle.time_zone, visitor.lang, visitor.digits),
        short_day=lambda d: formatting.digits(format_date(d, "d", locale=locale), visitor.digits),
        parse_time=datetime.fromisoformat,
    )


@router.get("/{cycle_id}/planner")
async def planner(
    request: Request,
    db: DbSession,
    visitor: Planner,
    cycle_id: uuid.UUID,
    view: Param = "month",
    on: Param = "",
    discipline: Param = "",
    venue: Param = "",
    trainer: Param = "",
    agency: Param = "",
    done: Param = "",
    warn: Param = "",
) -> Response:
    notice = None
    if done in PLANNER_DONE:
        lines = [i18n.gettext(visitor.lang, PLANNER_WARNINGS[warn])] if warn in PLANNER_WARNINGS else []
        notice = Notice("planner", i18n.gettext(visitor.lang, PLANNER_DONE[done]), lines=lines)
    return await planner_page(
        request,
        db,
        visitor,
        cycle_id,
        shown_of(view, on, discipline, venue, trainer, agency),
        notice=notice,
    )
