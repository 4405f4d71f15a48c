"""What needs a coordinator's attention today: the dashboard of their cycles, for integrators too."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import DbSession, holding
from api.problems import problems
from api.routing import CheckedRoute
from domain.attention.schemas import AttentionRead
from domain.attention.service import DEFAULT_LIMIT, get_attention
from domain.auth.policy import PLANNING_WRITE
from domain.auth.principal import Principal
from domain.db import utcnow

router = APIRouter(tags=["attention"], route_class=CheckedRoute)
Planner = Annotated[Principal, holding(PLANNING_WRITE)]


@router.get(
    "/attention",
    response_model=AttentionRead,
    operation_id="get_attention",
    summary="What needs attention in the cycles you plan",
    description="For a coordinator the cycles of their programmes, for an administrator every cycle: sessions in the "
    "next 14 days that are not ready (no trainer, no venue, nobody enrolled, a room too small); nominations awaiting "
    "a decision per module, oldest first; open modules whose nomination deadline falls in the next 7 days with an "
    "agency quota not filled; modules needing vetting whose participants' vetting is pending, expiring before the "
    "module ends, refused or missing; open and confirmed modules, and partner agencies per cycle, below the women's-"
    "share target; coming sessions with a double booking or a calendar warning; sessions held whose attendance is "
    "not taken; delivered modules with certificates to issue; and, for those who manage webhooks, endpoints failing "
    "or disabled. Each list gives its total and at most `limit` items. Counted in a fixed number of statements.",
    responses=problems(),
)
async def read_attention(
    db: DbSession,
    principal: Planner,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per kind (at most 200)")] = DEFAULT_LIMIT,
) -> AttentionRead:
    return await get_attention(db, principal=principal, now=utcnow(), limit=limit)
