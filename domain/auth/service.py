"""Signing in (OAuth2 password and client_credentials grants) and turning a token back into
a principal. Failed sign-ins are limited per user name and address (domain/auth/throttle.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth import throttle
from domain.auth.passwords import hash_password, verify_password
from domain.auth.policy import CLIENT_SCOPES, permissions
from domain.auth.principal import Principal, Role
from domain.auth.schemas import MeRead, PasswordChange, TokenResponse
from domain.auth.tokens import InvalidToken, KeyRing
from domain.db import utcnow
from domain.errors import InvalidInput, OAuthError, Unauthenticated
from domain.i18n import translatable
from domain.models.auth import ApiClient, User, user_programmes
from domain.settings import Settings


async def sign_in_password(
    session: AsyncSession, *, keyring: KeyRing, settings: Settings, username: str, password: str, address: str
) -> TokenResponse:
    username = username.strip()
    counted_by = await throttle.admit(session, settings=settings, username=username, address=address)
    user = await session.scalar(select(User).where(User.username == username))
    if not verify_password(password, user.password_hash if user else None) or user is None or user.disabled:
        raise OAuthError(
            "invalid_grant", translatable("Wrong user name or password, or the account is disabled."), keep_changes=True
        )
    await throttle.succeeded(session, username=username, address_key=counted_by)
    token, ttl = user_token(keyring, user)
    return TokenResponse(access_token=token, expires_in=ttl)


def set_password(user: User, password: str) -> None:
    """A new password: every token issued before stops working (its credentials version)."""
    user.password_hash = hash_password(password)
    user.credentials_version += 1


async def change_own_password(session: AsyncSession, *, principal: Principal, data: PasswordChange) -> None:
    """A person changes their own password; their other tokens (other devices) stop working."""
    user = await session.get(User, principal.id)
    if user is None:
        raise Unauthenticated(translatable("The account behind this token no longer exists."))
    if not verify_password(data.current_password, user.password_hash):
        raise InvalidInput(
            translatable("The current password is wrong."),
            errors=[{"field": "current_password", "message": "does not match"}],
        )
    set_password(user, data.new_password)
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="password-changed",
        entity="user",
        entity_id=user.id,
        changes={"password": ("(hidden)", "(changed)")},
    )


def user_token(keyring: KeyRing, user: User) -> tuple[str, int]:
    """An access token for a person: it names their credentials' version, so that changing or
    resetting the password ends every token issued before."""
    return keyring.issue_access_token(
        subject=f"user:{user.id}", claims={"role": user.role.value, "cv": user.credentials_version}
    )


async def sign_in_client(
    session: AsyncSession,
    *,
    keyring: KeyRing,
    settings: Settings,
    client_id: str,
    secret: str,
    scope: str | None,
    address: str,
) -> TokenResponse:
    counted_as = f"client:{client_id}"
    counted_by = await throttle.admit(session, settings=settings, username=counted_as, address=address)
    client = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if not _client_secret_matches(client, secret) or client is None or client.disabled:
        raise OAuthError("invalid_client", translatable("Unknown client or wrong secret."), keep_changes=True)
    await throttle.succeeded(session, username=counted_as, address_key=counted_by)
    granted = set(client.scopes)
    if scope:
        asked = set(scope.split())
        if not asked <= granted:
            raise OAuthError(
                "invalid_scope",
                translatable("Not granted to this client: {names}.", names=", ".join(sorted(asked - granted))),
            )
        granted = asked
    scopes = " ".join(sorted(granted))
    token, ttl = keyring.issue_access_token(
        subject=f"client:{client.id}",
        claims={"role": Role.client.value, "scope": scopes, "cv": client.credentials_version},
    )
    return TokenResponse(access_token=token, expires_in=ttl, scope=scopes)


def _client_secret_matches(client: ApiClient | None, secret: str) -> bool:
    """The current secret, or during a rotation's overlap the previous one. Checked against a
    dummy hash when the client does not exist, so that the answer takes as long."""
    if verify_password(secret, client.secret_hash if client else None):
        return True
    if client is None or client.previous_secret_hash is None or client.previous_secret_until is None:
        return False
    return client.previous_secret_until > utcnow() and verify_password(secret, client.previous_secret_hash)


async def principal_from_token(session: AsyncSession, *, keyring: KeyRing, token: str) -> Principal:
    """Check the token, then the account behind it: a deleted or disabled account is refused."""
    try:
        claims = keyring.decode(token)
    except InvalidToken as exc:
        raise Unauthenticated(
            translatable("The access token was refused: {reason}.", reason=exc),
            www_authenticate='Bearer error="invalid_token"',
        ) from None
    kind, _, raw_id = str(claims["sub"]).partition(":")
    try:
        account_id = uuid.UUID(raw_id)
    except ValueError:
        raise Unauthenticated(
            translatable("The access token was refused: unknown subject."),
            www_authenticate='Bearer error="invalid_token"',
        ) from None
    if kind == "user":
        principal = await _user_principal(session, account_id, claims.get("cv"))
    elif kind == "client":
        principal = await _client_principal(session, account_id, claims)
    else:
        principal = None
    if principal is not None:
        return principal
    raise Unauthenticated(
        translatable(
            "The account behind this token no longer exists, is disabled, or changed its password since: sign in again."
        ),
        www_authenticate='Bearer error="invalid_token"',
    )


_USERS, _CLIENTS = User.__table__, ApiClient.__table__
# The account and its programmes in one statement (one row per programme, or one with NULL),
# read as Core rows: nothing of it is changed, so the ORM's identity map would buy nothing.
_USER_PRINCIPAL = (
    select(
        _USERS.c.id,
        _USERS.c.username,
        _USERS.c.role,
        _USERS.c.agency_id,
        _USERS.c.trainer_id,
        _USERS.c.disabled,
        _USERS.c.credentials_version,
        _USERS.c.language,
        _USERS.c.digits,
        user_programmes.c.programme_id,
    )
    .select_from(_USERS.outerjoin(user_programmes, user_programmes.c.user_id == _USERS.c.id))
    .where(_USERS.c.id == bindparam("account_id"))
)
_CLIENT_PRINCIPAL = select(
    _CLIENTS.c.id,
    _CLIENTS.c.client_id,
    _CLIENTS.c.agency_id,
    _CLIENTS.c.disabled,
    _CLIENTS.c.scopes,
    _CLIENTS.c.credentials_version,
).where(_CLIENTS.c.id == bindparam("account_id"))


async def _user_principal(
    session: AsyncSession, account_id: uuid.UUID, credentials_version: object
) -> Principal | None:
    rows = (await (await session.connection()).execute(_USER_PRINCIPAL, {"account_id": account_id})).all()
    if not rows:
        return None
    user = rows[0]
    if user.disabled or credentials_version != user.credentials_version:
        return None
    return user_principal(rows)


def user_principal(rows: Sequence[Row[*tuple[Any, ...]]]) -> Principal:
    """The principal of a person, from the rows of _USER_PRINCIPAL (or a select with its columns)."""
    user = rows[0]
    return Principal(
        id=user.id,
        name=user.username,
        role=Role(user.role),
        agency_id=user.agency_id,
        trainer_id=user.trainer_id,
        programme_ids=frozenset(r.programme_id for r in rows if r.programme_id is not None),
        language=user.language,
        digits=user.digits,
    )


async def _client_principal(session: AsyncSession, account_id: uuid.UUID, claims: dict[str, Any]) -> Principal | None:
    client = (await (await session.connection()).execute(_CLIENT_PRINCIPAL, {"account_id": account_id})).first()
    # Tokens issued before clients carried a credentials version hold none: version 1.
    if client is None or client.disabled or claims.get("cv", 1) != client.credentials_version:
        return None
    granted = set(str(claims.get("scope", "")).split()) & set(client.scopes) & CLIENT_SCOPES
    return Principal(
        id=client.id,
        name=f"client:{client.client_id}",
        role=Role.client,
        agency_id=client.agency_id,
        scopes=frozenset(granted),
    )


def describe(principal: Principal) -> MeRead:
    return MeRead(
        id=principal.id,
        kind=principal.kind,
        name=principal.name,
        role=principal.role,
        agency_id=principal.agency_id,
        trainer_id=principal.trainer_id,
        programme_ids=sorted(principal.programme_ids),
        permissions=sorted(permissions(principal)),
        language=principal.language,
        digits=principal.digits,
    )
