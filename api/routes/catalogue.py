"""The catalogue's reference lists: the discipline vocabulary, venues and trainers."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, TRAINERS_READ
from domain.auth.principal import Principal
from domain.catalogue import resources
from domain.catalogue.schemas import (
    DisciplineCreate,
    DisciplineRead,
    TrainerCreate,
    TrainerRead,
    TrainerUpdate,
    VenueCreate,
    VenueRead,
    VenueUpdate,
)
from domain.models.catalogue import Discipline, Trainer, Venue
from domain.pagination import Page

router = APIRouter(tags=["catalogue"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(PLANNING_READ)]
TrainersReader = Annotated[Principal, holding(TRAINERS_READ)]
Planner = Annotated[Principal, holding(PLANNING_WRITE)]


# Disciplines


@router.get(
    "/disciplines",
    response_model=list[DisciplineRead],
    operation_id="list_disciplines",
    summary="List the discipline vocabulary",
    description="Every module names one of these codes.",
    responses=problems(),
)
async def list_disciplines(db: DbSession, principal: Reader) -> list[Discipline]:
    return await resources.list_disciplines(db, principal=principal)


@router.post(
    "/disciplines",
    response_model=DisciplineRead,
    status_code=201,
    operation_id="create_discipline",
    summary="Extend the discipline vocabulary",
    description="A code already in the vocabulary is a 409.",
    responses=problems(409),
)
async def create_discipline(data: DisciplineCreate, db: DbSession, principal: Planner) -> Discipline:
    return await resources.create_discipline(db, principal=principal, data=data)


@router.delete(
    "/disciplines/{code}",
    status_code=204,
    operation_id="delete_discipline",
    summary="Remove an unused discipline",
    description="Refused with 409 while modules use it.",
    responses=problems(404, 409),
)
async def delete_discipline(code: str, db: DbSession, principal: Planner) -> Response:
    await resources.delete_discipline(db, principal=principal, code=code)
    return Response(status_code=204)


# Venues


@router.get(
    "/venues",
    response_model=Page[VenueRead],
    operation_id="list_venues",
    summary="List venues",
    description="In name order. `city` matches the city exactly (any case), `q` part of the name or city.",
    responses=problems(),
)
async def list_venues(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[resources.VenueFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await resources.list_venues(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.post(
    "/venues",
    response_model=VenueRead,
    status_code=201,
    operation_id="create_venue",
    summary="Add a venue",
    responses=problems(409),
)
async def create_venue(
    data: VenueCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> Venue:
    venue = await resources.create_venue(db, principal=principal, data=data)
    set_etag(response, venue.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/venues/{venue.id}")
    return venue


@router.get(
    "/venues/{venue_id:uuid}",
    response_model=VenueRead,
    operation_id="get_venue",
    summary="Get a venue",
    responses=problems(404),
)
async def get_venue(venue_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Venue:
    venue = await resources.get_venue(db, principal=principal, venue_id=venue_id)
    set_etag(response, venue.version)
    return venue


@router.patch(
    "/venues/{venue_id:uuid}",
    response_model=VenueRead,
    operation_id="update_venue",
    summary="Change a venue",
    description="Send only the fields to change. With If-Match, a venue changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_venue(
    venue_id: uuid.UUID, data: VenueUpdate, response: Response, db: DbSession, principal: Planner, version: IfMatch
) -> Venue:
    venue = await resources.update_venue(
        db, principal=principal, venue_id=venue_id, data=data, expected_version=version
    )
    set_etag(response, venue.version)
    return venue


@router.delete(
    "/venues/{venue_id:uuid}",
    status_code=204,
    operation_id="delete_venue",
    summary="Delete a venue",
    description="Refused with 409 while modules or sessions are held there; the answer lists what refers to it.",
    responses=problems(404, 409, 412),
)
async def delete_venue(venue_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await resources.delete_venue(db, principal=principal, venue_id=venue_id, expected_version=version)
    return Response(status_code=204)


# Trainers


@router.get(
    "/trainers",
    response_model=Page[TrainerRead],
    operation_id="list_trainers",
    summary="List trainers",
    description="In name order. `organisation` matches the organisation exactly (any case), `q` part of the name or "
    "organisation.",
    responses=problems(),
)
async def list_trainers(
    request: Request,
    response: Response,
    db: DbSession,
    principal: TrainersReader,
    paging: Paging,
    filters: Annotated[resources.TrainerFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await resources.list_trainers(
            db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.post(
    "/trainers",
    response_model=TrainerRead,
    status_code=201,
    operation_id="create_trainer",
    summary="Add a trainer",
    responses=problems(409),
)
async def create_trainer(
    data: TrainerCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> Trainer:
    trainer = await resources.create_trainer(db, principal=principal, data=data)
    set_etag(response, trainer.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/trainers/{trainer.id}")
    return trainer


@router.get(
    "/trainers/{trainer_id:uuid}",
    response_model=TrainerRead,
    operation_id="get_trainer",
    summary="Get a trainer",
    responses=problems(404),
)
async def get_trainer(trainer_id: uuid.UUID, response: Response, db: DbSession, principal: TrainersReader) -> Trainer:
    trainer = await resources.get_trainer(db, principal=principal, trainer_id=trainer_id)
    set_etag(response, trainer.version)
    return trainer


@router.patch(
    "/trainers/{trainer_id:uuid}",
    response_model=TrainerRead,
    operation_id="update_trainer",
    summary="Change a trainer",
    description="Send only the fields to change. With If-Match, a trainer changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_trainer(
    trainer_id: uuid.UUID, data: TrainerUpdate, response: Response, db: DbSession, principal: Planner, version: IfMatch
) -> Trainer:
    trainer = await resources.update_trainer(
        db, principal=principal, trainer_id=trainer_id, data=data, expected_version=version
    )
    set_etag(response, trainer.version)
    return trainer


@router.delete(
    "/trainers/{trainer_id:uuid}",
    status_code=204,
    operation_id="delete_trainer",
    summary="Delete a trainer",
    description="Refused with 409 while sessions or a user account refer to the trainer; the answer lists what does.",
    responses=problems(404, 409, 412),
)
async def delete_trainer(trainer_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await resources.delete_trainer(db, principal=principal, trainer_id=trainer_id, expected_version=version)
    return Response(status_code=204)
