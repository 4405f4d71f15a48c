"""Programmes: the funded frameworks (implementer, funding sources) that cycles belong to."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import PLANNING_READ, PROGRAMMES_ADMIN
from domain.auth.principal import Principal
from domain.models.programmes import Programme
from domain.pagination import Page
from domain.programmes import service
from domain.programmes.schemas import ProgrammeCreate, ProgrammeRead, ProgrammeUpdate

router = APIRouter(tags=["programmes"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(PLANNING_READ)]
Admin = Annotated[Principal, holding(PROGRAMMES_ADMIN)]


@router.get(
    "/programmes",
    response_model=Page[ProgrammeRead],
    operation_id="list_programmes",
    summary="List programmes",
    description="In name order. `q` matches part of the name or the acronym.",
    responses=problems(),
)
async def list_programmes(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[service.ProgrammeFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_programmes(
            db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.post(
    "/programmes",
    response_model=ProgrammeRead,
    status_code=201,
    operation_id="create_programme",
    summary="Create a programme",
    description="An acronym already taken is a 409.",
    responses=problems(409),
)
async def create_programme(
    data: ProgrammeCreate, request: Request, response: Response, db: DbSession, principal: Admin
) -> Programme:
    programme = await service.create_programme(db, principal=principal, data=data)
    set_etag(response, programme.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/programmes/{programme.id}")
    return programme


@router.get(
    "/programmes/{programme_id:uuid}",
    response_model=ProgrammeRead,
    operation_id="get_programme",
    summary="Get a programme",
    responses=problems(404),
)
async def get_programme(programme_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Programme:
    programme = await service.get_programme(db, principal=principal, programme_id=programme_id)
    set_etag(response, programme.version)
    return programme


@router.patch(
    "/programmes/{programme_id:uuid}",
    response_model=ProgrammeRead,
    operation_id="update_programme",
    summary="Change a programme",
    description="Send only the fields to change. With If-Match, a programme changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_programme(
    programme_id: uuid.UUID,
    data: ProgrammeUpdate,
    response: Response,
    db: DbSession,
    principal: Admin,
    version: IfMatch,
) -> Programme:
    programme = await service.update_programme(
        db, principal=principal, programme_id=programme_id, data=data, expected_version=version
    )
    set_etag(response, programme.version)
    return programme


@router.delete(
    "/programmes/{programme_id:uuid}",
    status_code=204,
    operation_id="delete_programme",
    summary="Delete a programme",
    description="Refused with 409 while cycles or coordinators' accounts refer to it; the answer lists what does.",
    responses=problems(404, 409, 412),
)
async def delete_programme(programme_id: uuid.UUID, db: DbSession, principal: Admin, version: IfMatch) -> Response:
    await service.delete_programme(db, principal=principal, programme_id=programme_id, expected_version=version)
    return Response(status_code=204)
