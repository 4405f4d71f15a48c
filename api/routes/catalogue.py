"""Disciplines, venues, trainers and modules (with their status transitions)."""

import uuid

from fastapi import APIRouter, Response

from api.crud import crud_routes
from api.deps import DbSession, require, set_etag
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, TRAINERS_READ
from api.problems import problems
from domain.catalogue import module_service as modules
from domain.catalogue import resources
from domain.enrolment import lifecycle
from domain.catalogue.schemas import (
    DisciplineCreate,
    DisciplineRead,
    ModuleCreate,
    ModuleRead,
    ModuleTransition,
    ModuleUpdate,
    TrainerCreate,
    TrainerRead,
    TrainerUpdate,
    VenueCreate,
    VenueRead,
    VenueUpdate,
)

router = APIRouter()


@router.get("/disciplines", response_model=list[DisciplineRead], operation_id="list_disciplines", summary="List the discipline vocabulary",
            responses=problems())
async def list_disciplines(db: DbSession, principal: require(PLANNING_READ)):
    return await resources.list_disciplines(db, principal=principal)


@router.post("/disciplines", response_model=DisciplineRead, status_code=201, operation_id="create_discipline",
             summary="Extend the discipline vocabulary", responses=problems(409))
async def create_discipline(data: DisciplineCreate, db: DbSession, principal: require(PLANNING_WRITE)):
    return await resources.create_discipline(db, principal=principal, data=data)


@router.delete("/disciplines/{code}", status_code=204, operation_id="delete_discipline", summary="Remove an unused discipline",
               responses=problems(404, 409))
async def delete_discipline(code: str, db: DbSession, principal: require(PLANNING_WRITE)) -> Response:
    await resources.delete_discipline(db, principal=principal, code=code)
    return Response(status_code=204)


crud_routes(
    router, noun="venue", plural="venues", read=VenueRead, create=VenueCreate, update=VenueUpdate,
    filters=resources.VenueFilters, list_fn=resources.list_venues, get_fn=resources.get_venue,
    create_fn=resources.create_venue, update_fn=resources.update_venue, delete_fn=resources.delete_venue,
    read_permission=PLANNING_READ, write_permission=PLANNING_WRITE,
)
crud_routes(
    router, noun="trainer", plural="trainers", read=TrainerRead, create=TrainerCreate, update=TrainerUpdate,
    filters=resources.TrainerFilters, list_fn=resources.list_trainers, get_fn=resources.get_trainer,
    create_fn=resources.create_trainer, update_fn=resources.update_trainer, delete_fn=resources.delete_trainer,
    read_permission=TRAINERS_READ, write_permission=PLANNING_WRITE,
)
crud_routes(
    router, noun="module", plural="modules", read=ModuleRead, create=ModuleCreate, update=ModuleUpdate,
    filters=modules.ModuleFilters, list_fn=modules.list_modules, get_fn=modules.get_module,
    create_fn=modules.create_module, update_fn=modules.update_module, delete_fn=modules.delete_module,
    read_permission=PLANNING_READ, write_permission=PLANNING_WRITE,
)


@router.post(
    "/modules/{module_id}/transitions", response_model=ModuleRead, operation_id="transition_module",
    summary="Change a module's status",
    description="draft → planned → open → confirmed → delivered → closed; cancelled and postponed (with a reason) from any "
    "state before delivered. An illegal transition is a 409 naming the allowed ones. Confirming a module that requires "
    "vetting is a 409 listing every enrolled participant without a valid approved vetting of that type. Cancelling "
    "withdraws its pending nominations and cancels its vetting requests. Delivery settles each enrolment as completed "
    "or not_completed.",
    responses=problems(404, 409),
)
async def transition_module(module_id: uuid.UUID, data: ModuleTransition, response: Response, db: DbSession, principal: require(PLANNING_WRITE)):
    module = await lifecycle.transition_module(db, principal=principal, module_id=module_id, data=data)
    set_etag(response, module.version)
    return module
