"""Vetting: the checks an officer must pass (courtesy, Leahy, host nation) before some modules."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import VETTING_READ, VETTING_WRITE
from domain.auth.principal import Principal
from domain.models.vetting import Vetting
from domain.pagination import Page
from domain.vetting import service
from domain.vetting.schemas import VettingChange, VettingCreate, VettingRead, VettingUpdate

router = APIRouter(tags=["vetting"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(VETTING_READ)]
Writer = Annotated[Principal, holding(VETTING_WRITE)]


@router.post(
    "/officers/{officer_id:uuid}/vettings",
    response_model=VettingRead,
    status_code=201,
    operation_id="create_vetting",
    summary="Request a vetting of an officer",
    description="Records the officer's current unit as the unit vetted: a change of unit does not carry the vetting "
    "over. A second pending request of the same type is a 409.",
    responses=problems(404, 409),
)
async def create_vetting(
    officer_id: uuid.UUID, data: VettingCreate, request: Request, response: Response, db: DbSession, principal: Writer
) -> Vetting:
    vetting = await service.create_vetting(db, principal=principal, officer_id=officer_id, data=data)
    set_etag(response, vetting.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/vettings/{vetting.id}")
    return vetting


@router.get(
    "/officers/{officer_id:uuid}/vettings",
    response_model=Page[VettingRead],
    operation_id="list_officer_vettings",
    summary="List an officer's vettings",
    description="Oldest first, whatever their status.",
    responses=problems(404),
)
async def list_officer_vettings(
    officer_id: uuid.UUID, request: Request, response: Response, db: DbSession, principal: Reader, paging: Paging
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_vettings(
            db, principal=principal, officer_id=officer_id, limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.get(
    "/vettings/{vetting_id:uuid}",
    response_model=VettingRead,
    operation_id="get_vetting",
    summary="Get a vetting",
    responses=problems(404),
)
async def get_vetting(vetting_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Vetting:
    vetting = await service.get_vetting(db, principal=principal, vetting_id=vetting_id)
    set_etag(response, vetting.version)
    return vetting


@router.patch(
    "/vettings/{vetting_id:uuid}",
    response_model=VettingChange,
    operation_id="update_vetting",
    summary="Record a vetting's result",
    description="Courtesy validity is computed (one year from result_on); Leahy and host-nation validity are the dates "
    "the vetting body returned and must be sent. A vetting that becomes rejected or suspended takes the officer off "
    "every roster needing that type (vetting_failed); "
    "the response lists those nominations and who was promoted in their place.",
    responses=problems(404, 409, 412),
)
async def update_vetting(
    vetting_id: uuid.UUID, data: VettingUpdate, response: Response, db: DbSession, principal: Writer, version: IfMatch
) -> VettingChange:
    result = await service.update_vetting(
        db, principal=principal, vetting_id=vetting_id, data=data, expected_version=version
    )
    set_etag(response, result.vetting.version)
    return result
