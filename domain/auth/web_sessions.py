"""People signed in to the pages (web/): sessions kept in the database, found by the SHA-256 of
the cookie's random token, re-checked against the account on every request (a disabled account or
a changed password ends them at once), with an idle and an absolute expiry."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.auth.service import user_principal
from domain.models.auth import User, WebSession, user_programmes
from domain.settings import Settings

# Expired sessions removed by each sign-in: enough to keep the table small, never a long statement.
PURGE_BATCH = 100
# last_seen_at is written at most this often per session (a page view is otherwise a pure read).
TOUCH_EVERY = timedelta(seconds=60)
ENTITY = "web_session"


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session_id: uuid.UUID
    csrf_token: str
    last_seen_at: datetime
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start(session: AsyncSession, *, principal: Principal, settings: Settings, now: datetime) -> str:
    """A new session for the signed-in person; returns the token for the cookie (shown once)."""
    assert principal.id is not None
    version = await session.scalar(select(User.credentials_version).where(User.id == principal.id))
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=token_hash(token),
        user_id=principal.id,
        credentials_version=version,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.web_session_hours),
    )
    session.add(row)
    await session.flush()
    record_change(session, principal=principal, action="signed-in", entity=ENTITY, entity_id=row.id)
    await purge_expired(session, now=now, settings=settings)
    return token


_USERS, _SESSIONS = User.__table__, WebSession.__table__
# The session, its account and the account's programmes in one statement (one row per programme).
_SIGNED_IN = (
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
        _SESSIONS.c.id.label("session_id"),
        _SESSIONS.c.csrf_token,
        _SESSIONS.c.credentials_version.label("session_credentials_version"),
        _SESSIONS.c.last_seen_at,
        _SESSIONS.c.expires_at,
    )
    .select_from(
        _SESSIONS.join(_USERS, _USERS.c.id == _SESSIONS.c.user_id).outerjoin(
            user_programmes, user_programmes.c.user_id == _USERS.c.id
        )
    )
    .where(_SESSIONS.c.token_hash == bindparam("token_hash"))
)


async def signed_in(session: AsyncSession, *, token: str, settings: Settings, now: datetime) -> SignedIn | None:
    """The person behind a session cookie, or None when the session is unknown, expired (idle or
    absolute), or its account is disabled or changed its password since."""
    result = await (await session.connection()).execute(_SIGNED_IN, {"token_hash": token_hash(token)})
    rows = result.all()
    if not rows:
        return None
    first = rows[0]
    idle = timedelta(minutes=settings.web_session_idle_minutes)
    if (
        first.disabled
        or first.credentials_version != first.session_credentials_version
        or first.expires_at <= now
        or first.last_seen_at + idle <= now
    ):
        return None
    return SignedIn(user_principal(rows), first.session_id, first.csrf_token, first.last_seen_at, first.expires_at)


def expires(current: SignedIn, settings: Settings) -> datetime:
    """When the session stops opening anything unless used again: idle or absolute, the earlier."""
    return min(current.expires_at, current.last_seen_at + timedelta(minutes=settings.web_session_idle_minutes))


async def touch(session: AsyncSession, *, session_id: uuid.UUID, now: datetime) -> None:
    """The session was used now: its idle expiry starts again."""
    await session.execute(
        update(WebSession)
        .where(WebSession.id == session_id)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )


def due_for_touch(current: SignedIn, now: datetime) -> bool:
    return current.last_seen_at + TOUCH_EVERY <= now


async def end(session: AsyncSession, *, current: SignedIn) -> None:
    """Sign out: the session is deleted, so its cookie opens nothing any more."""
    await session.execute(
        delete(WebSession).where(WebSession.id == current.session_id).execution_options(synchronize_session=False)
    )
    record_change(
        session, principal=current.principal, action="signed-out", entity=ENTITY, entity_id=current.session_id
    )


async def purge_expired(session: AsyncSession, *, now: datetime, settings: Settings, limit: int = PURGE_BATCH) -> int:
    idle_since = now - timedelta(minutes=settings.web_session_idle_minutes)
    expired = (
        select(WebSession.id)
        .where((WebSession.expires_at <= now) | (WebSession.last_seen_at <= idle_since))
        .limit(limit)
        .scalar_subquery()
    )
    result = cast(
        CursorResult[Any],
        await session.execute(
            delete(WebSession).where(WebSession.id.in_(expired)).execution_options(synchronize_session=False)
        ),
    )
    return int(result.rowcount)
