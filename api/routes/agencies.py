"""Agencies: the partner agencies and their sub-units, as a tree, that nominate officers."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.agencies import service
from domain.agencies.schemas import AgencyCreate, AgencyRead, AgencyUpdate
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE
from domain.auth.principal import Principal
from domain.models.agencies import Agency
from domain.pagination import Page

router = APIRouter(tags=["agencies"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(PLANNING_READ)]
Planner = Annotated[Principal, holding(PLANNING_WRITE)]


@router.get(
    "/agencies",
    response_model=Page[AgencyRead],
    operation_id="list_agencies",
    summary="List agencies",
    description="In order of their English name. `parent_id` gives an agency's direct sub-units, `within` an agency "
    "and every unit below it; `q` matches part of the English or Arabic name or the acronym.",
    responses=problems(),
)
async def list_agencies(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[service.AgencyFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_agencies(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.post(
    "/agencies",
    response_model=AgencyRead,
    status_code=201,
    operation_id="create_agency",
    summary="Register a partner agency or sub-unit",
    description="Give `parent_id` to place it under an existing agency; an unknown parent is a 422.",
    responses=problems(409),
)
async def create_agency(
    data: AgencyCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> Agency:
    agency = await service.create_agency(db, principal=principal, data=data)
    set_etag(response, agency.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/agencies/{agency.id}")
    return agency


@router.get(
    "/agencies/{agency_id:uuid}",
    response_model=AgencyRead,
    operation_id="get_agency",
    summary="Get an agency",
    responses=problems(404),
)
async def get_agency(agency_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Agency:
    agency = await service.get_agency(db, principal=principal, agency_id=agency_id)
    set_etag(response, agency.version)
    return agency


@router.patch(
    "/agencies/{agency_id:uuid}",
    response_model=AgencyRead,
    operation_id="update_agency",
    summary="Change an agency",
    description="Send only the fields to change. A new `parent_id` moves the agency with all its sub-units; moving it "
    "under itself or one of its own sub-units is a 422. "
    "With If-Match, an agency changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_agency(
    agency_id: uuid.UUID, data: AgencyUpdate, response: Response, db: DbSession, principal: Planner, version: IfMatch
) -> Agency:
    agency = await service.update_agency(
        db, principal=principal, agency_id=agency_id, data=data, expected_version=version
    )
    set_etag(response, agency.version)
    return agency


@router.delete(
    "/agencies/{agency_id:uuid}",
    status_code=204,
    operation_id="delete_agency",
    summary="Delete an agency",
    description="Refused with 409 while other records refer to it (sub-units, officers, accounts, quotas, nominations, "
    "vettings); the answer lists what does.",
    responses=problems(404, 409, 412),
)
async def delete_agency(agency_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await service.delete_agency(db, principal=principal, agency_id=agency_id, expected_version=version)
    return Response(status_code=204)
