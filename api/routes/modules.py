"""Modules: the courses of a cycle, and their status from draft to closed."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.accounts.audit_log import AuditEntryRead
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE
from domain.auth.principal import Principal
from domain.catalogue import module_service as service
from domain.catalogue.schemas import ModuleCreate, ModuleRead, ModuleTransition, ModuleUpdate
from domain.lifecycle import service as lifecycle
from domain.models.catalogue import Module
from domain.module_desk import trail
from domain.pagination import Page

router = APIRouter(tags=["modules"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(PLANNING_READ)]
Planner = Annotated[Principal, holding(PLANNING_WRITE)]


@router.get(
    "/modules",
    response_model=Page[ModuleRead],
    operation_id="list_modules",
    summary="List modules",
    description="In order of their code. Filter by cycle, programme, discipline, format or status; `starts_from` and "
    "`starts_to` keep the modules with a session in that window; `q` matches part of the title or code.",
    responses=problems(),
)
async def list_modules(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[service.ModuleFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_modules(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.post(
    "/modules",
    response_model=ModuleRead,
    status_code=201,
    operation_id="create_module",
    summary="Plan a module in a cycle",
    description="The module starts as a draft. Coordinators plan only in their own programmes. An unknown cycle, "
    "venue, discipline or prerequisite is a 422; a code already used in the cycle is a 409.",
    responses=problems(409),
)
async def create_module(
    data: ModuleCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> Module:
    module = await service.create_module(db, principal=principal, data=data)
    set_etag(response, module.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/modules/{module.id}")
    return module


@router.get(
    "/modules/{module_id:uuid}",
    response_model=ModuleRead,
    operation_id="get_module",
    summary="Get a module",
    responses=problems(404),
)
async def get_module(module_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> ModuleRead:
    module = await service.read_module(db, principal=principal, module_id=module_id)
    set_etag(response, module.version)
    return module


@router.patch(
    "/modules/{module_id:uuid}",
    response_model=ModuleRead,
    operation_id="update_module",
    summary="Change a module",
    description="Send only the fields to change; prerequisites, when sent, replace the list, and one that would make "
    "the module its own prerequisite is a 422. The status changes through transitions, not here. With If-Match, a "
    "module changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_module(
    module_id: uuid.UUID, data: ModuleUpdate, response: Response, db: DbSession, principal: Planner, version: IfMatch
) -> Module:
    module = await service.update_module(
        db, principal=principal, module_id=module_id, data=data, expected_version=version
    )
    set_etag(response, module.version)
    return module


@router.delete(
    "/modules/{module_id:uuid}",
    status_code=204,
    operation_id="delete_module",
    summary="Delete a module",
    description="Refused with 409 while sessions, nominations or other modules (as a prerequisite) refer to it; the "
    "answer lists what does. Cancel a module that has started taking nominations instead.",
    responses=problems(404, 409, 412),
)
async def delete_module(module_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await service.delete_module(db, principal=principal, module_id=module_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/modules/{module_id:uuid}/transitions",
    response_model=ModuleRead,
    operation_id="transition_module",
    summary="Change a module's status",
    description="draft → planned → open → confirmed → delivered → closed; cancelled and postponed (with a reason) from "
    "any state before delivered. An illegal transition is a 409 naming the allowed ones. Confirming a module that "
    "requires vetting is a 409 listing every enrolled participant without a valid approved vetting of that type. "
    "Cancelling withdraws its pending nominations and cancels its vetting requests. Delivery settles each enrolment as "
    "completed or not_completed. With If-Match, a module changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def transition_module(
    module_id: uuid.UUID,
    data: ModuleTransition,
    response: Response,
    db: DbSession,
    principal: Planner,
    version: IfMatch,
) -> Module:
    module = await lifecycle.transition_module(
        db, principal=principal, module_id=module_id, data=data, expected_version=version
    )
    set_etag(response, module.version)
    return module


@router.get(
    "/modules/{module_id:uuid}/audit",
    response_model=Page[AuditEntryRead],
    operation_id="get_module_audit",
    summary="Read a module's audit trail",
    description="The changes to the module (status, quotas, waitlist order), to its sessions, and to the "
    "nominations, vettings and certificates of its participants you may see, newest first. For those who plan it: "
    "a coordinator of its programme (another programme's module is a 404) or an administrator.",
    responses=problems(404),
)
async def get_module_audit(
    module_id: uuid.UUID, request: Request, response: Response, db: DbSession, principal: Planner, paging: Paging
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await trail.module_trail(
            db, principal=principal, module_id=module_id, limit=paging.limit, cursor=paging.cursor
        ),
    )
