"""Officers: the people the agencies nominate, their records, and their erasure."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import OFFICERS_ERASE, OFFICERS_READ, OFFICERS_REVIEW, OFFICERS_WRITE
from domain.auth.principal import Principal
from domain.models.officers import Officer
from domain.officers import erasure, service, shared_keys
from domain.officers.schemas import OfficerCreate, OfficerRead, OfficerUpdate, OfficerUpsert, SharedKeyRead
from domain.pagination import Page

router = APIRouter(tags=["officers"], route_class=CheckedRoute)
_CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": OfficerRead, "description": "Created: no officer within reach carried the id"}
}
Reader = Annotated[Principal, holding(OFFICERS_READ)]
Writer = Annotated[Principal, holding(OFFICERS_WRITE)]
Eraser = Annotated[Principal, holding(OFFICERS_ERASE)]
Reviewer = Annotated[Principal, holding(OFFICERS_REVIEW)]

_IN_REACH = (
    "Focal points (and clients bound to an agency) reach the officers of that agency and its sub-units, "
    "coordinators those of agencies in their programmes' partner countries."
)
_REACH = _IN_REACH + " Any other officer, and an erased one, is a 404."


@router.post(
    "/officers",
    response_model=OfficerRead,
    status_code=201,
    operation_id="create_officer",
    summary="Create an officer",
    description="A likely duplicate (same normalised Arabic name in the same agency, or an external id an officer "
    "within your reach carries) is a 409 "
    "listing the candidates. Send allow_duplicate=true to create a namesake anyway; an external id is never shared.",
    responses=problems(409),
)
async def create_officer(
    data: OfficerCreate,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Writer,
    allow_duplicate: Annotated[bool, Query(description="Create even though a namesake exists in the agency")] = False,
) -> Officer:
    officer = await service.create_officer(db, principal=principal, data=data, allow_duplicate=allow_duplicate)
    set_etag(response, officer.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/officers/{officer.id}")
    return officer


@router.get(
    "/officers",
    response_model=Page[OfficerRead],
    operation_id="list_officers",
    summary="List officers",
    description="In order of their Latin name. `agency_id` gives the officers of an agency and its sub-units; `q` "
    "matches part of the Arabic or Latin name, spelling variants folded; `external_source` and `external_id` find an "
    "officer by an id carried in another system. Only officers within your reach are listed, never erased ones. "
    + _IN_REACH,
    responses=problems(),
)
async def list_officers(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[service.OfficerFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_officers(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.get(
    "/officers/shared-keys",
    response_model=Page[SharedKeyRead],
    operation_id="list_shared_keys",
    summary="List keys shared by officers of different agencies",
    description="External ids (per source), account names and national ids that officers of different agencies "
    "carry: keys are unique within an agency and checked within the writer's reach, so two agencies that do not see "
    "each other may record the same person, or an HR system may confuse two. A list to review; nothing is merged. "
    "Each item names the key and the officers within your reach that carry it; only keys that at least two agencies "
    "within your reach share are listed, in order of kind, source and key. Reads are audited. " + _IN_REACH,
    responses=problems(),
)
async def list_shared_keys(
    request: Request, response: Response, db: DbSession, principal: Reviewer, paging: Paging
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await shared_keys.list_shared_keys(db, principal=principal, limit=paging.limit, cursor=paging.cursor),
    )


@router.get(
    "/officers/{officer_id:uuid}",
    response_model=OfficerRead,
    operation_id="get_officer",
    summary="Get an officer",
    description=_REACH,
    responses=problems(404),
)
async def get_officer(officer_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Officer:
    officer = await service.get_officer(db, principal=principal, officer_id=officer_id)
    set_etag(response, officer.version)
    return officer


@router.patch(
    "/officers/{officer_id:uuid}",
    response_model=OfficerRead,
    operation_id="update_officer",
    summary="Change an officer's record",
    description="Send only the fields to change; external ids, when sent, replace the list, and one already carried by "
    "another officer within your reach is a 409, as is an account name; moving the officer to another agency checks "
    "their keys there. With If-Match, a record changed by someone else since is a 412. " + _REACH,
    responses=problems(404, 409, 412),
)
async def update_officer(
    officer_id: uuid.UUID, data: OfficerUpdate, response: Response, db: DbSession, principal: Writer, version: IfMatch
) -> Officer:
    officer = await service.update_officer(
        db, principal=principal, officer_id=officer_id, data=data, expected_version=version
    )
    set_etag(response, officer.version)
    return officer


@router.delete(
    "/officers/{officer_id:uuid}",
    status_code=204,
    operation_id="delete_officer",
    summary="Delete an officer",
    description="For a record made in error: refused with 409 while nominations, vettings, attendance or certificates "
    "refer to the officer (the answer lists them). To remove a person who took part, erase them instead. " + _REACH,
    responses=problems(404, 409, 412),
)
async def delete_officer(officer_id: uuid.UUID, db: DbSession, principal: Writer, version: IfMatch) -> Response:
    await service.delete_officer(db, principal=principal, officer_id=officer_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/officers/{officer_id:uuid}/erasure",
    response_model=OfficerRead,
    operation_id="erase_officer",
    summary="Erase an officer",
    description="Pseudonymises the person (names, contacts, identity fields replaced; external ids dropped) and keeps "
    "their participations for aggregate reports. The audit log records the erasure, not the erased values.",
    responses=problems(404),
)
async def erase_officer(officer_id: uuid.UUID, db: DbSession, principal: Eraser) -> Officer:
    return await erasure.erase_officer(db, principal=principal, officer_id=officer_id)


@router.put(
    "/officers/by-external-id/{source}/{external_id}",
    response_model=OfficerRead,
    operation_id="upsert_officer_by_external_id",
    summary="Create or replace the officer carrying an external id",
    description="Creates the officer (201) if no officer within your reach carries (source, external_id), else "
    "replaces its fields with the body (200): optional fields left out are cleared; its other external ids, account "
    "name and active flag stay. Sending the same body again changes nothing (200, same ETag). If-Match is honoured on "
    "a replace (412). A likely duplicate by Arabic name is a 409 listing the candidates, as for a create "
    "(allow_duplicate=true to proceed); "
    "an external id held by an officer outside your reach is a 409 too, and never shared.",
    responses=_CREATED | problems(400, 404, 409, 412),
    status_code=200,
)
async def upsert_officer_by_external_id(
    source: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$", examples=["mission-hr"])],
    external_id: Annotated[str, Path(min_length=1, max_length=200)],
    data: OfficerUpsert,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Writer,
    version: IfMatch,
    allow_duplicate: Annotated[bool, Query(description="Create even though a namesake exists in the agency")] = False,
) -> Officer:
    officer, created = await service.upsert_by_external_id(
        db,
        principal=principal,
        source=source,
        external_id=external_id,
        data=data,
        expected_version=version,
        allow_duplicate=allow_duplicate,
    )
    set_etag(response, officer.version)
    if created:
        response.status_code = 201
        response.headers["Location"] = absolute_url(request, f"/api/v1/officers/{officer.id}")
    return officer
