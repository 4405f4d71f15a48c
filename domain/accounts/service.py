"""Accounts (people who sign in) and machine clients; administrators only."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.accounts.schemas import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    ClientSecretRotated,
    ClientUpdate,
    UserCreate,
    UserUpdate,
    check_binding,
)
from domain.audit.service import record_change
from domain.auth.passwords import hash_password, new_secret
from domain.auth.policy import ACCOUNTS_ADMIN, authorize
from domain.auth.principal import Principal, Role
from domain.auth.service import set_password
from domain.crud import create_entity, delete_entity, ensure_exists, get_or_404, load_many, update_entity
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput
from domain.i18n import message_of, translatable
from domain.models.agencies import Agency
from domain.models.auth import ApiClient, User
from domain.models.catalogue import Trainer
from domain.models.programmes import Programme
from domain.pagination import Paged, paginate

_WITH_PROGRAMMES = (selectinload(User.programmes),)


class UserFilters(BaseModel):
    role: Role | None = None
    agency_id: uuid.UUID | None = None


async def list_users(
    session: AsyncSession, *, principal: Principal, filters: UserFilters, limit: int, cursor: str | None
) -> Paged[User]:
    authorize(principal, ACCOUNTS_ADMIN)
    stmt = select(User).options(*_WITH_PROGRAMMES)
    if filters.role:
        stmt = stmt.where(User.role == filters.role)
    if filters.agency_id:
        stmt = stmt.where(User.agency_id == filters.agency_id)
    return await paginate(session, stmt, order=(User.username, User.id), limit=limit, cursor=cursor)


async def get_user(session: AsyncSession, *, principal: Principal, user_id: uuid.UUID) -> User:
    authorize(principal, ACCOUNTS_ADMIN)
    return await get_or_404(session, User, user_id, options=_WITH_PROGRAMMES)


async def username_taken(session: AsyncSession, *, principal: Principal, username: str) -> bool:
    """Whether an account already has this username: asked before a create, so that a person
    typing a taken name is told so next to the field (the unique key still decides a race)."""
    authorize(principal, ACCOUNTS_ADMIN)
    return await session.scalar(select(User.id).where(User.username == username)) is not None


async def create_user(session: AsyncSession, *, principal: Principal, data: UserCreate) -> User:
    authorize(principal, ACCOUNTS_ADMIN)
    await ensure_exists(session, Agency, data.agency_id, field="agency_id")
    await ensure_exists(session, Trainer, data.trainer_id, field="trainer_id")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        role=data.role,
        agency_id=data.agency_id,
        trainer_id=data.trainer_id,
        programmes=await load_many(session, Programme, field="programme_ids", ids=data.programme_ids),
        disabled=False,
        language=data.language,
        digits=data.digits,
        email=data.email,
    )
    return await create_entity(
        session,
        principal=principal,
        entity="user",
        obj=user,
        audit_fields=["username", "role", "agency_id", "trainer_id", "programme_ids", "language", "digits", "email"],
    )


async def update_user(
    session: AsyncSession, *, principal: Principal, user_id: uuid.UUID, data: UserUpdate, expected_version: int | None
) -> User:
    user = await get_user(session, principal=principal, user_id=user_id)
    changes = data.changes()
    await ensure_exists(session, Agency, changes.get("agency_id"), field="agency_id")
    await ensure_exists(session, Trainer, changes.get("trainer_id"), field="trainer_id")
    extra: dict[str, tuple[Any, Any]] = {}
    if "password" in changes:
        set_password(user, changes.pop("password"))
        extra["password"] = ("(hidden)", "(changed)")
    if "programme_ids" in changes:
        wanted = await load_many(session, Programme, field="programme_ids", ids=changes.pop("programme_ids"))
        if sorted(p.id for p in wanted) != sorted(user.programme_ids):
            extra["programme_ids"] = (user.programme_ids, [p.id for p in wanted])
            user.programmes = wanted
    await _keep_an_administrator(
        session, user, role=changes.get("role", user.role), disabled=changes.get("disabled", user.disabled)
    )
    try:
        check_binding(
            changes.get("role", user.role),
            changes.get("agency_id", user.agency_id),
            changes.get("trainer_id", user.trainer_id),
            [p.id for p in user.programmes],
        )
    except ValueError as exc:
        raise InvalidInput(message_of(exc), errors=[{"field": "role", "message": str(exc)}]) from None
    return await update_entity(
        session,
        principal=principal,
        entity="user",
        obj=user,
        data=changes,
        expected_version=expected_version,
        extra_changes=extra,
    )


async def delete_user(
    session: AsyncSession, *, principal: Principal, user_id: uuid.UUID, expected_version: int | None
) -> None:
    user = await get_user(session, principal=principal, user_id=user_id)
    await _keep_an_administrator(session, user, role=None, disabled=True)
    await delete_entity(
        session,
        principal=principal,
        entity="user",
        obj=user,
        expected_version=expected_version,
        owned=frozenset({"user_programmes.user_id"}),
    )


async def _keep_an_administrator(session: AsyncSession, user: User, *, role: Role | None, disabled: bool) -> None:
    """Refuse the change that would leave no enabled administrator (deleting, disabling or
    demoting the last one). The administrators' rows are locked, so two such changes made at
    once cannot each count on the other."""
    if user.role is not Role.admin or user.disabled or (role is Role.admin and not disabled):
        return
    admins = list(
        await session.scalars(
            select(User.id).where(User.role == Role.admin, User.disabled.is_(False)).with_for_update()
        )
    )
    if admins == [user.id]:
        raise Conflict(
            translatable("This is the last enabled administrator: create or enable another one first."),
            code="last-admin",
            title="Last administrator",
        )


class ClientFilters(BaseModel):
    disabled: bool | None = None


async def list_clients(
    session: AsyncSession, *, principal: Principal, filters: ClientFilters, limit: int, cursor: str | None
) -> Paged[ApiClient]:
    authorize(principal, ACCOUNTS_ADMIN)
    stmt = select(ApiClient)
    if filters.disabled is not None:
        stmt = stmt.where(ApiClient.disabled == filters.disabled)
    return await paginate(session, stmt, order=(ApiClient.client_id, ApiClient.id), limit=limit, cursor=cursor)


async def get_client(session: AsyncSession, *, principal: Principal, client_id: uuid.UUID) -> ApiClient:
    authorize(principal, ACCOUNTS_ADMIN)
    return await get_or_404(session, ApiClient, client_id)


async def create_client(session: AsyncSession, *, principal: Principal, data: ClientCreate) -> ClientCreated:
    authorize(principal, ACCOUNTS_ADMIN)
    await ensure_exists(session, Agency, data.agency_id, field="agency_id")
    secret = new_secret()
    client = ApiClient(
        client_id=f"tc_{secrets.token_hex(8)}",
        name=data.name,
        secret_hash=hash_password(secret),
        scopes=sorted(set(data.scopes)),
        agency_id=data.agency_id,
        disabled=False,
    )
    await create_entity(
        session,
        principal=principal,
        entity="client",
        obj=client,
        audit_fields=["client_id", "name", "scopes", "agency_id"],
    )
    return ClientCreated(**ClientRead.model_validate(client).model_dump(), client_secret=secret)


async def update_client(
    session: AsyncSession,
    *,
    principal: Principal,
    client_id: uuid.UUID,
    data: ClientUpdate,
    expected_version: int | None,
) -> ApiClient:
    client = await get_client(session, principal=principal, client_id=client_id)
    changes = data.changes()
    if "scopes" in changes:
        changes["scopes"] = sorted(set(changes["scopes"]))
    await ensure_exists(session, Agency, changes.get("agency_id"), field="agency_id")
    return await update_entity(
        session, principal=principal, entity="client", obj=client, data=changes, expected_version=expected_version
    )


async def delete_client(
    session: AsyncSession, *, principal: Principal, client_id: uuid.UUID, expected_version: int | None
) -> None:
    client = await get_client(session, principal=principal, client_id=client_id)
    await delete_entity(session, principal=principal, entity="client", obj=client, expected_version=expected_version)


async def rotate_client_secret(
    session: AsyncSession, *, principal: Principal, client_id: uuid.UUID, overlap_hours: float, revoke_previous: bool
) -> ClientSecretRotated:
    """A new secret, shown once. The one it replaces keeps working for `overlap_hours`, so that
    the client can be given the new one without a moment in which neither works (a rotation
    during an overlap ends the older one at once). `revoke_previous` (a leaked secret): the old
    one stops at once, and so does every token the client was issued before."""
    client = await get_client(session, principal=principal, client_id=client_id)
    secret = new_secret()
    before = client.previous_secret_until
    if revoke_previous or overlap_hours == 0:
        client.previous_secret_hash, client.previous_secret_until = None, None
    else:
        client.previous_secret_hash = client.secret_hash
        client.previous_secret_until = utcnow() + timedelta(hours=overlap_hours)
    if revoke_previous:
        client.credentials_version += 1
    client.secret_hash = hash_password(secret)
    await session.flush()
    changes: dict[str, tuple[Any, Any]] = {
        "secret": ("(previous)", "(new)"),
        "previous_secret_until": (before, client.previous_secret_until),
    }
    if revoke_previous:
        changes["tokens"] = ("(issued before)", "(revoked)")
    record_change(
        session, principal=principal, action="secret-rotated", entity="client", entity_id=client.id, changes=changes
    )
    return ClientSecretRotated(
        client_id=client.client_id, client_secret=secret, previous_secret_until=client.previous_secret_until
    )
