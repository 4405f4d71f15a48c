"""Accounts: the people who sign in (users) and the machine clients (administrators only)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.accounts import service
from domain.accounts.schemas import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    ClientSecretRotated,
    ClientUpdate,
    UserCreate,
    UserRead,
    UserUpdate,
)
from domain.auth.policy import ACCOUNTS_ADMIN
from domain.auth.principal import Principal
from domain.models.auth import ApiClient, User
from domain.pagination import Page

router = APIRouter(tags=["accounts"], route_class=CheckedRoute)
Admin = Annotated[Principal, holding(ACCOUNTS_ADMIN)]


# Users


@router.get(
    "/users",
    response_model=Page[UserRead],
    operation_id="list_users",
    summary="List user accounts",
    description="In order of their user name. Filter by role or by the agency an account is bound to.",
    responses=problems(),
)
async def list_users(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Admin,
    paging: Paging,
    filters: Annotated[service.UserFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_users(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.post(
    "/users",
    response_model=UserRead,
    status_code=201,
    operation_id="create_user",
    summary="Create a user account",
    description="A focal point is bound to an agency, a trainer to a trainer record, a coordinator to programmes; a "
    "user name already taken is a 409.",
    responses=problems(409),
)
async def create_user(data: UserCreate, request: Request, response: Response, db: DbSession, principal: Admin) -> User:
    user = await service.create_user(db, principal=principal, data=data)
    set_etag(response, user.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/users/{user.id}")
    return user


@router.get(
    "/users/{user_id:uuid}",
    response_model=UserRead,
    operation_id="get_user",
    summary="Get a user account",
    responses=problems(404),
)
async def get_user(user_id: uuid.UUID, response: Response, db: DbSession, principal: Admin) -> User:
    user = await service.get_user(db, principal=principal, user_id=user_id)
    set_etag(response, user.version)
    return user


@router.patch(
    "/users/{user_id:uuid}",
    response_model=UserRead,
    operation_id="update_user",
    summary="Change a user account",
    description="Send only the fields to change: a new password, role, binding or programmes; `disabled` stops the "
    "account at once, its tokens included. A role without the binding it needs is a 422. With If-Match, an account "
    "changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, response: Response, db: DbSession, principal: Admin, version: IfMatch
) -> User:
    user = await service.update_user(db, principal=principal, user_id=user_id, data=data, expected_version=version)
    set_etag(response, user.version)
    return user


@router.delete(
    "/users/{user_id:uuid}",
    status_code=204,
    operation_id="delete_user",
    summary="Delete a user account",
    description="Refused with 409 while other records refer to it; disable the account instead.",
    responses=problems(404, 409, 412),
)
async def delete_user(user_id: uuid.UUID, db: DbSession, principal: Admin, version: IfMatch) -> Response:
    await service.delete_user(db, principal=principal, user_id=user_id, expected_version=version)
    return Response(status_code=204)


# Machine clients


@router.post(
    "/clients",
    response_model=ClientCreated,
    status_code=201,
    operation_id="create_client",
    summary="Register a machine client (the secret is shown once)",
    description="The client signs in with its id and secret (client_credentials) and gets only the scopes listed "
    "here; an unknown scope is a 422.",
    responses=problems(409),
)
async def create_client(
    data: ClientCreate, request: Request, response: Response, db: DbSession, principal: Admin
) -> ClientCreated:
    created = await service.create_client(db, principal=principal, data=data)
    response.headers["Location"] = absolute_url(request, f"/api/v1/clients/{created.id}")
    response.headers["Cache-Control"] = "no-store"  # the secret: no cache, nor the Idempotency-Key store, keeps it
    return created


@router.get(
    "/clients",
    response_model=Page[ClientRead],
    operation_id="list_clients",
    summary="List machine clients",
    description="In order of their client id; `disabled` keeps the enabled or the disabled ones.",
    responses=problems(),
)
async def list_clients(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Admin,
    paging: Paging,
    filters: Annotated[service.ClientFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_clients(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.get(
    "/clients/{client_id:uuid}",
    response_model=ClientRead,
    operation_id="get_client",
    summary="Get a machine client",
    responses=problems(404),
)
async def get_client(client_id: uuid.UUID, response: Response, db: DbSession, principal: Admin) -> ApiClient:
    client = await service.get_client(db, principal=principal, client_id=client_id)
    set_etag(response, client.version)
    return client


@router.patch(
    "/clients/{client_id:uuid}",
    response_model=ClientRead,
    operation_id="update_client",
    summary="Change a machine client",
    description="Send only the fields to change: its name, its scopes (an unknown scope is a 422), or `disabled`, "
    "which stops its tokens at once. With If-Match, a client changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def update_client(
    client_id: uuid.UUID, data: ClientUpdate, response: Response, db: DbSession, principal: Admin, version: IfMatch
) -> ApiClient:
    client = await service.update_client(
        db, principal=principal, client_id=client_id, data=data, expected_version=version
    )
    set_etag(response, client.version)
    return client


@router.delete(
    "/clients/{client_id:uuid}",
    status_code=204,
    operation_id="delete_client",
    summary="Delete a machine client",
    description="Its tokens stop working at once. Refused with 409 while other records refer to it; "
    "disable it instead.",
    responses=problems(404, 409, 412),
)
async def delete_client(client_id: uuid.UUID, db: DbSession, principal: Admin, version: IfMatch) -> Response:
    await service.delete_client(db, principal=principal, client_id=client_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/clients/{client_id:uuid}/secret",
    response_model=ClientSecretRotated,
    operation_id="rotate_client_secret",
    summary="Rotate a machine client's secret (the new one is shown once)",
    description="A new secret, in this answer only. The previous one keeps working beside it for 24 hours "
    "(`CLIENT_SECRET_OVERLAP_HOURS`), so the client can switch without a moment in which neither works; after that "
    "only the new one does. Rotating again during an overlap ends the older secret at once. `revoke_previous=true` "
    "(a leaked secret): the previous secret stops at once, and so does every token issued to the client before.",
    responses=problems(404),
)
async def rotate_client_secret(
    client_id: uuid.UUID,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Admin,
    revoke_previous: Annotated[
        bool, Query(description="Stop the previous secret and the client's tokens at once instead of overlapping")
    ] = False,
) -> ClientSecretRotated:
    rotated = await service.rotate_client_secret(
        db,
        principal=principal,
        client_id=client_id,
        overlap_hours=request.app.state.settings.client_secret_overlap_hours,
        revoke_previous=revoke_previous,
    )
    response.headers["Cache-Control"] = "no-store"  # the secret: no cache, nor the Idempotency-Key store, keeps it
    return rotated
