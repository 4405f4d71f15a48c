"""Cooperation cycles: a programme's period of work in a partner country, with its calendar."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE
from domain.auth.principal import Principal
from domain.cycles import service
from domain.cycles.schemas import CycleCreate, CycleRead, CycleUpdate
from domain.models.cycles import Cycle
from domain.pagination import Page

router = APIRouter(tags=["cycles"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(PLANNING_READ)]
Planner = Annotated[Principal, holding(PLANNING_WRITE)]


@router.get(
    "/cycles",
    response_model=Page[CycleRead],
    operation_id="list_cycles",
    summary="List cooperation cycles",
    description="In order of their start date. Filter by programme, by partner country, by `active_on` (cycles running "
    "on that date) or by `q`, part of the title.",
    responses=problems(),
)
async def list_cycles(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[service.CycleFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_cycles(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.post(
    "/cycles",
    response_model=CycleRead,
    status_code=201,
    operation_id="create_cycle",
    summary="Open a cooperation cycle in a programme",
    description="With its dates, time zone, working days, holidays and female-share target. Coordinators open cycles "
    "only in their own programmes; an unknown programme is a 422.",
    responses=problems(409),
)
async def create_cycle(
    data: CycleCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> Cycle:
    cycle = await service.create_cycle(db, principal=principal, data=data)
    set_etag(response, cycle.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/cycles/{cycle.id}")
    return cycle


@router.get(
    "/cycles/{cycle_id:uuid}",
    response_model=CycleRead,
    operation_id="get_cycle",
    summary="Get a cooperation cycle",
    responses=problems(404),
)
async def get_cycle(cycle_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Cycle:
    cycle = await service.get_cycle(db, principal=principal, cycle_id=cycle_id)
    set_etag(response, cycle.version)
    return cycle


@router.patch(
    "/cycles/{cycle_id:uuid}",
    response_model=CycleRead,
    operation_id="update_cycle",
    summary="Change a cooperation cycle",
    description="Send only the fields to change; holidays, when sent, replace the list. A cycle that would end before "
    "it starts is a 422. With If-Match, a cycle changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_cycle(
    cycle_id: uuid.UUID, data: CycleUpdate, response: Response, db: DbSession, principal: Planner, version: IfMatch
) -> Cycle:
    cycle = await service.update_cycle(db, principal=principal, cycle_id=cycle_id, data=data, expected_version=version)
    set_etag(response, cycle.version)
    return cycle


@router.delete(
    "/cycles/{cycle_id:uuid}",
    status_code=204,
    operation_id="delete_cycle",
    summary="Delete a cooperation cycle",
    description="Refused with 409 while modules refer to it; the answer lists what does.",
    responses=problems(404, 409, 412),
)
async def delete_cycle(cycle_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await service.delete_cycle(db, principal=principal, cycle_id=cycle_id, expected_version=version)
    return Response(status_code=204)
