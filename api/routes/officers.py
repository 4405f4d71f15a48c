import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.crud import crud_routes
from api.deps import DbSession, require, set_etag
from domain.auth.policy import OFFICERS_ERASE, OFFICERS_READ, OFFICERS_WRITE
from api.problems import problems
from domain.officers import erasure, service
from domain.officers.schemas import OfficerCreate, OfficerRead, OfficerUpdate

router = APIRouter()


@router.post(
    "/officers", response_model=OfficerRead, status_code=201, operation_id="create_officer", summary="Create an officer",
    description="A likely duplicate (same normalised Arabic name in the same agency, or a shared external id) is a 409 "
    "listing the candidates. Send allow_duplicate=true to create a namesake anyway; an external id is never shared.",
    responses=problems(409),
)
async def create_officer(
    data: OfficerCreate, response: Response, db: DbSession, principal: require(OFFICERS_WRITE),
    allow_duplicate: Annotated[bool, Query(description="Create even though a namesake exists in the agency")] = False,
):
    officer = await service.create_officer(db, principal=principal, data=data, allow_duplicate=allow_duplicate)
    set_etag(response, officer.version)
    response.headers["Location"] = f"/api/v1/officers/{officer.id}"
    return officer


crud_routes(
    router, noun="officer", plural="officers", read=OfficerRead, create=None, update=OfficerUpdate,
    filters=service.OfficerFilters, list_fn=service.list_officers, get_fn=service.get_officer,
    create_fn=None, update_fn=service.update_officer, delete_fn=service.delete_officer,
    read_permission=OFFICERS_READ, write_permission=OFFICERS_WRITE,
)


@router.post(
    "/officers/{officer_id}/erasure", response_model=OfficerRead, operation_id="erase_officer", summary="Erase an officer",
    description="Pseudonymises the person (names, contacts, identity fields replaced; external ids dropped) and keeps "
    "their participations for aggregate reports. The audit log records the erasure, not the erased values.",
    responses=problems(404),
)
async def erase_officer(officer_id: uuid.UUID, db: DbSession, principal: require(OFFICERS_ERASE)):
    return await erasure.erase_officer(db, principal=principal, officer_id=officer_id)
