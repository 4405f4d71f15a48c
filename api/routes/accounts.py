"""Accounts and machine clients (administrators only)."""

from fastapi import APIRouter, Response

from api.crud import crud_routes
from api.deps import DbSession, require
from api.problems import problems
from domain.accounts import service as accounts
from domain.auth.policy import ACCOUNTS_ADMIN
from domain.accounts.schemas import ClientCreate, ClientCreated, ClientRead, ClientUpdate, UserCreate, UserRead, UserUpdate

router = APIRouter()
Admin = require(ACCOUNTS_ADMIN)

crud_routes(
    router, noun="user", plural="users", read=UserRead, create=UserCreate, update=UserUpdate,
    filters=accounts.UserFilters, list_fn=accounts.list_users, get_fn=accounts.get_user, create_fn=accounts.create_user,
    update_fn=accounts.update_user, delete_fn=accounts.delete_user, read_permission=ACCOUNTS_ADMIN, write_permission=ACCOUNTS_ADMIN,
)


@router.post("/clients", response_model=ClientCreated, status_code=201, operation_id="create_client",
             summary="Register a machine client (the secret is shown once)", responses=problems(409))
async def create_client(data: ClientCreate, response: Response, db: DbSession, principal: Admin):
    created = await accounts.create_client(db, principal=principal, data=data)
    response.headers["Location"] = f"/api/v1/clients/{created.id}"
    response.headers["Cache-Control"] = "no-store"  # the secret: no cache, nor the Idempotency-Key store, keeps it
    return created


crud_routes(
    router, noun="client", plural="clients", read=ClientRead, create=None, update=ClientUpdate,
    filters=accounts.ClientFilters, list_fn=accounts.list_clients, get_fn=accounts.get_client, create_fn=None,
    update_fn=accounts.update_client, delete_fn=accounts.delete_client, read_permission=ACCOUNTS_ADMIN, write_permission=ACCOUNTS_ADMIN,
)
