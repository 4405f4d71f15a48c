"""Officers: the people the agencies nominate, their records, and their erasure."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, link_next, set_etag
from api.problems import problems
from domain.auth.policy import OFFICERS_ERASE, OFFICERS_READ, OFFICERS_WRITE
from domain.auth.principal import Principal
from domain.officers import erasure, service
from domain.officers.models import Officer
from domain.officers.schemas import OfficerCreate, OfficerRead, OfficerUpdate
from domain.pagination import Page

router = APIRouter(tags=["officers"])
Reader = Annotated[Principal, holding(OFFICERS_READ)]
Writer = Annotated[Principal, holding(OFFICERS_WRITE)]
Eraser = Annotated[Principal, holding(OFFICERS_ERASE)]

_IN_REACH = ("Focal points (and clients bound to an agency) reach the officers of that agency and its sub-units, "
             "coordinators those of agencies in their programmes' partner countries.")
_REACH = _IN_REACH + " Any other officer, and an erased one, is a 404."


@router.post(
    "/officers", response_model=OfficerRead, status_code=201, operation_id="create_officer", summary="Create an officer",
    description="A likely duplicate (same normalised Arabic name in the same agency, or a shared external id) is a 409 "
    "listing the candidates. Send allow_duplicate=true to create a namesake anyway; an external id is never shared.",
    responses=problems(409),
)
async def create_officer(
    data: OfficerCreate, response: Response, db: DbSession, principal: Writer,
    allow_duplicate: Annotated[bool, Query(description="Create even though a namesake exists in the agency")] = False,
) -> Officer:
    officer = await service.create_officer(db, principal=principal, data=data, allow_duplicate=allow_duplicate)
    set_etag(response, officer.version)
    response.headers["Location"] = f"/api/v1/officers/{officer.id}"
    return officer


@router.get(
    "/officers", response_model=Page[OfficerRead], operation_id="list_officers", summary="List officers",
    description="In order of their Latin name. `agency_id` gives the officers of an agency and its sub-units; `q` "
    "matches part of the Arabic or Latin name, spelling variants folded; `external_source` and `external_id` find an "
    "officer by an id carried in another system. Only officers within your reach are listed, never erased ones. "
    + _IN_REACH,
    responses=problems(),
)
async def list_officers(request: Request, response: Response, db: DbSession, principal: Reader, paging: Paging,
                        filters: Annotated[service.OfficerFilters, Query()]) -> dict[str, Any]:
    items, next_cursor = await service.list_officers(db, principal=principal, filters=filters, limit=paging.limit,
                                                     cursor=paging.cursor)
    link_next(request, response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/officers/{officer_id}", response_model=OfficerRead, operation_id="get_officer", summary="Get an officer",
            description=_REACH, responses=problems(404))
async def get_officer(officer_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Officer:
    officer = await service.get_officer(db, principal=principal, officer_id=officer_id)
    set_etag(response, officer.version)
    return officer


@router.patch(
    "/officers/{officer_id}", response_model=OfficerRead, operation_id="update_officer", summary="Change an officer's record",
    description="Send only the fields to change; external ids, when sent, replace the list, and one already carried by "
    "another officer is a 409. With If-Match, a record changed by someone else since is a 412. " + _REACH,
    responses=problems(404, 409, 412),
)
async def update_officer(officer_id: uuid.UUID, data: OfficerUpdate, response: Response, db: DbSession, principal: Writer,
                         version: IfMatch) -> Officer:
    officer = await service.update_officer(db, principal=principal, officer_id=officer_id, data=data,
                                           expected_version=version)
    set_etag(response, officer.version)
    return officer


@router.delete(
    "/officers/{officer_id}", status_code=204, operation_id="delete_officer", summary="Delete an officer",
    description="For a record made in error: refused with 409 while nominations, vettings, attendance or certificates "
    "refer to the officer (the answer lists them). To remove a person who took part, erase them instead. " + _REACH,
    responses=problems(404, 409, 412),
)
async def delete_officer(officer_id: uuid.UUID, db: DbSession, principal: Writer, version: IfMatch) -> Response:
    await service.delete_officer(db, principal=principal, officer_id=officer_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/officers/{officer_id}/erasure", response_model=OfficerRead, operation_id="erase_officer", summary="Erase an officer",
    description="Pseudonymises the person (names, contacts, identity fields replaced; external ids dropped) and keeps "
    "their participations for aggregate reports. The audit log records the erasure, not the erased values.",
    responses=problems(404),
)
async def erase_officer(officer_id: uuid.UUID, db: DbSession, principal: Eraser) -> Officer:
    return await erasure.erase_officer(db, principal=principal, officer_id=officer_id)
