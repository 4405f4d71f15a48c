"""Training sessions: nested under their module for listing and scheduling."""

import uuid
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE
from domain.auth.principal import Principal
from domain.catalogue import session_service as service
from domain.catalogue.schemas import SessionCreate, SessionRead, SessionUpdate
from domain.models.catalogue import TrainingSession
from domain.pagination import Page
from domain.schemas import Warning_

router = APIRouter(tags=["sessions"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(PLANNING_READ)]
Planner = Annotated[Principal, holding(PLANNING_WRITE)]

_CLOSED = "Sessions of a delivered, closed or cancelled module can no longer change (409)."


def _read(ts: TrainingSession, warnings: Iterable[dict[str, Any]] = ()) -> SessionRead:
    read = SessionRead.model_validate(ts)
    read.warnings = [Warning_(**w) for w in warnings]
    return read


@router.get(
    "/modules/{module_id:uuid}/sessions",
    response_model=Page[SessionRead],
    operation_id="list_module_sessions",
    summary="List a module's sessions",
    description="In order of their start. `starts_from` and `starts_to` bound the start time; `venue_id` and "
    "`trainer_id` keep the sessions held at a venue or taught by a trainer.",
    responses=problems(404),
)
async def list_module_sessions(
    module_id: uuid.UUID,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[service.SessionFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_sessions(
            db, principal=principal, module_id=module_id, filters=filters, limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.post(
    "/modules/{module_id:uuid}/sessions",
    response_model=SessionRead,
    status_code=201,
    operation_id="create_session",
    summary="Schedule a session",
    description="A double-booked venue or trainer is a 409 listing every conflict, unless override_reason is given. "
    "Non-working days, listed holidays and dates outside the cycle are saved with warnings. " + _CLOSED,
    responses=problems(404, 409),
)
async def create_session(
    module_id: uuid.UUID, data: SessionCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> SessionRead:
    ts, warnings = await service.create_session(db, principal=principal, module_id=module_id, data=data)
    set_etag(response, ts.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/sessions/{ts.id}")
    return _read(ts, warnings)


@router.get(
    "/sessions/{session_id:uuid}",
    response_model=SessionRead,
    operation_id="get_session",
    summary="Get a session",
    responses=problems(404),
)
async def get_session(session_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> TrainingSession:
    ts = await service.get_session(db, principal=principal, session_id=session_id)
    set_etag(response, ts.version)
    return ts


@router.patch(
    "/sessions/{session_id:uuid}",
    response_model=SessionRead,
    operation_id="update_session",
    summary="Move or edit a session",
    description="Send only the fields to change. The new booking is checked like a new session: a double booking is a "
    "409 unless override_reason is given (a move needs a reason of its own), and calendar warnings come back with the "
    "session. With If-Match, a session changed by someone else since is a 412. " + _CLOSED,
    responses=problems(404, 409, 412),
)
async def update_session(
    session_id: uuid.UUID, data: SessionUpdate, response: Response, db: DbSession, principal: Planner, version: IfMatch
) -> SessionRead:
    ts, warnings = await service.update_session(
        db, principal=principal, session_id=session_id, data=data, expected_version=version
    )
    set_etag(response, ts.version)
    return _read(ts, warnings)


@router.delete(
    "/sessions/{session_id:uuid}",
    status_code=204,
    operation_id="delete_session",
    summary="Delete a session",
    description="Refused with 409 while attendance marks refer to it; the answer lists what does.",
    responses=problems(404, 409, 412),
)
async def delete_session(session_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await service.delete_session(db, principal=principal, session_id=session_id, expected_version=version)
    return Response(status_code=204)
