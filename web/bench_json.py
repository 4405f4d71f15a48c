"""The focal point's workspace as JSON, for the bench only (BENCH_CEILING): the same services and
the same visitor as the page /focal, answered as JSON instead of HTML, so that the page's cost of
rendering can be compared with the JSON of the same data (the API has no single route for it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import TypeAdapter

from api.deps import DbSession
from domain.db import utcnow
from domain.focal_desk.calls import open_calls
from domain.focal_desk.mine import my_nominations
from domain.focal_desk.schemas import MyNomination, OpenCall
from web.routes.focal_common import PAGE, Focal, person

router = APIRouter(include_in_schema=False)
_WORKSPACE = TypeAdapter(dict[str, Any])
_CALLS, _MINE = TypeAdapter(list[OpenCall]), TypeAdapter(list[MyNomination])


@router.get("/bench/focal.json")
async def focal_json(db: DbSession, visitor: Focal) -> Response:
    principal = person(visitor)
    calls, calls_next = await open_calls(db, principal=principal, now=utcnow(), limit=PAGE, cursor=None)
    mine, mine_next = await my_nominations(db, principal=principal, limit=PAGE, cursor=None)
    body = {
        "calls": _CALLS.dump_python(calls, mode="json"),
        "calls_next": calls_next,
        "mine": _MINE.dump_python(mine, mode="json"),
        "mine_next": mine_next,
    }
    return Response(_WORKSPACE.dump_json(body), media_type="application/json")
