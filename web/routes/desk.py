"""The coordinator's desk: "needs attention" (the home page of coordinators and administrators) and
the module page. Those who do not plan get the missing page here, and a coordinator a module of
another programme too (web/routes/desk_common.py). The module page's forms: module_forms.py."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import DbSession
from domain.attention.service import get_attention
from domain.db import utcnow
from domain.module_desk.schemas import Paging
from domain.notifications.kinds import KINDS
from domain.notifications.service import message_counts
from web.routes.desk_common import Planner, done_notice, module_page, percent, person
from web.templating import render

router = APIRouter(prefix="/coordinator", include_in_schema=False)
Cursor = Annotated[str | None, Query(max_length=400)]
ITEMS = 50  # per kind; each kind says how many there are in all


@router.get("")
async def dashboard(request: Request, db: DbSession, visitor: Planner) -> Response:
    attention = await get_attention(db, principal=person(visitor), now=utcnow(), limit=ITEMS)
    messages = await message_counts(db, principal=person(visitor))  # one grouped statement
    return render(
        request,
        visitor,
        "coordinator/dashboard.html",
        a=attention,
        messages=messages,
        message_kinds=KINDS,
        pct=percent(visitor),
    )


@router.get("/modules/{module_id}")
async def module(
    request: Request,
    db: DbSession,
    visitor: Planner,
    module_id: uuid.UUID,
    nominations: Cursor = None,
    certificates: Cursor = None,
    trail: Cursor = None,
    agency: uuid.UUID | None = None,
    done: Annotated[str | None, Query(max_length=40)] = None,
    warn: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    return await module_page(
        request,
        db,
        visitor,
        module_id,
        notice=done_notice(visitor.lang, done, warn),
        paging=Paging(nominations=nominations, certificates=certificates, trail=trail),
        agency=agency,
    )
