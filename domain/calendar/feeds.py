"""Secret feed URLs: calendar programs cannot send a bearer token, so an account may create a
secret address for any calendar it may read, list its addresses (never the secrets) and revoke
them. The secret is 32 random bytes, shown once; only its HMAC-SHA256 under the server's secret
key is stored. A fetch rebuilds the owner's principal as a bearer token would (the account must
still exist and be enabled) and serves the calendar as the owner may read it at that moment."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.calendar import service
from domain.calendar.schemas import FeedCreate
from domain.crud import create_entity, get_or_404
from domain.db import utcnow
from domain.errors import Conflict, Forbidden, NotFound
from domain.i18n import translatable
from domain.models.auth import User
from domain.models.calendar import CalendarFeed

ENTITY = "calendar_feed"
MAX_ACTIVE_FEEDS = 50
_SECRET = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def require_account(principal: Principal) -> None:
    """Secret URLs belong to people's accounts; machine clients send their bearer token."""
    if principal.kind != "user" or principal.id is None:
        raise Forbidden(
            translatable(
                "Secret feed URLs are for user accounts; a machine client reads the feeds with its bearer token."
            ),
            needed="a user account",
        )


def secret_hash(secret: str, *, key: str) -> str:
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def principal_of(user: User) -> Principal:
    """The principal a bearer token of this user would give (see domain.auth.service.principal_from_token)."""
    return Principal(
        id=user.id,
        name=user.username,
        role=user.role,
        agency_id=user.agency_id,
        trainer_id=user.trainer_id,
        programme_ids=frozenset(user.programme_ids),
    )


async def create_feed(
    session: AsyncSession, *, principal: Principal, data: FeedCreate, secret_key: str
) -> tuple[CalendarFeed, str]:
    """Returns the feed and its secret (to be shown once). A calendar the caller may not read is
    refused exactly as the calendar itself would be (403 without the permission, else 404)."""
    require_account(principal)
    await service.resolve_target(session, principal=principal, kind=data.kind, target_id=data.target_id)
    active = (
        await session.execute(
            select(func.count())
            .select_from(CalendarFeed)
            .where(CalendarFeed.user_id == principal.id, CalendarFeed.revoked_at.is_(None))
        )
    ).scalar_one()
    if active >= MAX_ACTIVE_FEEDS:
        raise Conflict(
            translatable("You already have {active} feed URLs; revoke some first.", active=active),
            code="too-many-feeds",
            limit=MAX_ACTIVE_FEEDS,
        )
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        user_id=principal.id, kind=data.kind, target_id=data.target_id, token_hash=secret_hash(secret, key=secret_key)
    )
    await create_entity(
        session, principal=principal, entity=ENTITY, obj=feed, audit_fields=["user_id", "kind", "target_id"]
    )
    return feed, secret


async def list_feeds(session: AsyncSession, *, principal: Principal) -> list[CalendarFeed]:
    require_account(principal)
    stmt = (
        select(CalendarFeed)
        .where(CalendarFeed.user_id == principal.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id)
    )
    return list(await session.scalars(stmt))


async def revoke_feed(session: AsyncSession, *, principal: Principal, feed_id: uuid.UUID) -> None:
    """Only the owner revokes (another account's feed is a 404); disabling an account stops all of its feeds."""
    require_account(principal)
    feed = await get_or_404(
        session, CalendarFeed, feed_id, where=(CalendarFeed.user_id == principal.id, CalendarFeed.revoked_at.is_(None))
    )
    feed.revoked_at = utcnow()
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="revoked",
        entity=ENTITY,
        entity_id=feed.id,
        changes={"revoked_at": (None, feed.revoked_at)},
    )


_GONE = translatable("No calendar feed at this address (it may have been revoked).")


async def secret_calendar(session: AsyncSession, *, secret: str, secret_key: str, today: date | None = None) -> bytes:
    """The public fetch. Unknown, revoked, an owner deleted, disabled or no longer allowed: all the same 404."""
    if not _SECRET.match(secret):
        raise NotFound(_GONE)
    feed = await session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == secret_hash(secret, key=secret_key), CalendarFeed.revoked_at.is_(None)
        )
    )
    if feed is None:
        raise NotFound(_GONE)
    user = await session.scalar(select(User).where(User.id == feed.user_id).options(selectinload(User.programmes)))
    if user is None or user.disabled:
        raise NotFound(_GONE)
    try:
        return await service.calendar(
            session,
            principal=principal_of(user),
            kind=feed.kind,
            target_id=feed.target_id,
            via="secret-url",
            today=today,
        )
    except (Forbidden, NotFound):
        raise NotFound(_GONE) from None
