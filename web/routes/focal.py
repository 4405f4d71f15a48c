"""The focal point's workspace: my agency's open calls and my nominations (/focal, the focal
point's home), a call's page where officers of my agency (and its sub-units) are searched and
nominated several at once, ranked, with alternates, under a live meter of the women's share, and a
nomination's page with its history, where it is withdrawn or substituted (focal_forms.py).
Another agency's officer or nomination is never shown; its address answers like a missing page."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import DbSession
from domain import i18n
from domain.db import utcnow
from domain.focal_desk.calls import open_calls
from domain.focal_desk.meter import my_meter
from domain.focal_desk.mine import my_nomination, my_nominations
from domain.i18n import N_
from domain.officers.models import Officer
from domain.officers.service import OfficerFilters, list_officers
from web.routes.desk_common import percent
from web.routes.focal_common import PAGE, Focal, module_page, person
from web.templating import render

router = APIRouter(prefix="/focal", include_in_schema=False)
Cursor = Annotated[str | None, Query(max_length=400)]
Search = Annotated[str, Query(max_length=200)]
Done = Annotated[str | None, Query(max_length=40)]
Ticked = Annotated[list[str] | None, Query(max_length=200)]

DONE = {
    "withdrawn": N_("The nomination was withdrawn."),
    "substituted": N_("The substitute now holds the nomination's place."),
}


def nominated_notice(lang: str, count: str | None) -> str | None:
    if not count or not count.isdigit():
        return None
    n = int(count)
    return i18n.ngettext(lang, "%(n)s officer was nominated.", "%(n)s officers were nominated.", n) % {"n": n}


@router.get("")
async def home(
    request: Request, db: DbSession, visitor: Focal, calls: Cursor = None, mine: Cursor = None, done: Done = None
) -> Response:
    principal = person(visitor)
    found, calls_next = await open_calls(db, principal=principal, now=utcnow(), limit=PAGE, cursor=calls)
    nominations, mine_next = await my_nominations(db, principal=principal, limit=PAGE, cursor=mine)
    return render(
        request,
        visitor,
        "focal/home.html",
        calls=found,
        calls_next=calls_next,
        mine=nominations,
        mine_next=mine_next,
        notice=i18n.gettext(visitor.lang, DONE[done]) if done in DONE else None,
    )


@router.get("/modules/{module_id}")
async def call(
    request: Request,
    db: DbSession,
    visitor: Focal,
    module_id: uuid.UUID,
    q: Search = "",
    officers: Cursor = None,
    mine: Cursor = None,
    nominated: Done = None,
) -> Response:
    return await module_page(
        request,
        db,
        visitor,
        module_id,
        q=q,
        officers_cursor=officers,
        mine_cursor=mine,
        notice=nominated_notice(visitor.lang, nominated),
    )


@router.get("/modules/{module_id}/meter")
async def meter(
    request: Request, db: DbSession, visitor: Focal, module_id: uuid.UUID, officer: Ticked = None
) -> Response:
    """The meter alone (htmx): my nominations' share of women, and with the ticked officers added."""
    adding = []
    for text in (officer or [])[:200]:
        try:
            adding.append(uuid.UUID(text))
        except ValueError:
            continue
    found = await my_meter(db, principal=person(visitor), module_id=module_id, adding=adding)
    return render(request, visitor, "focal/_meter.html", meter=found, pct=percent(visitor))


@router.get("/nominations/{nomination_id}")
async def nomination(
    request: Request,
    db: DbSession,
    visitor: Focal,
    nomination_id: uuid.UUID,
    q: Search = "",
    officers: Cursor = None,
    done: Done = None,
) -> Response:
    return await nomination_page(request, db, visitor, nomination_id, q=q, officers_cursor=officers, done=done)


async def nomination_page(
    request: Request,
    db: DbSession,
    visitor: Focal,
    nomination_id: uuid.UUID,
    *,
    q: str = "",
    officers_cursor: str | None = None,
    done: str | None = None,
    status_code: int = 200,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    principal = person(visitor)
    found = await my_nomination(db, principal=principal, nomination_id=nomination_id)
    candidates: list[Officer] = []
    candidates_next = None
    if found.live:
        candidates, candidates_next = await list_officers(
            db, principal=principal, filters=OfficerFilters(q=q.strip() or None), limit=PAGE, cursor=officers_cursor
        )
    return render(
        request,
        visitor,
        "focal/nomination.html",
        status_code=status_code,
        n=found,
        candidates=[o for o in candidates if o.id != found.officer_id],
        candidates_next=candidates_next,
        q=q,
        typed=typed or {},
        errors=errors or {},
        notice=i18n.gettext(visitor.lang, DONE[done]) if done in DONE else None,
    )
