"""A subscription receives what its owner could read on the feed: its owner as a principal, read
again at each delivery round (a disabled owner, or one that lost events:read, gets nothing)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.auth.policy import CLIENT_SCOPES, EVENTS_READ, allowed
from domain.auth.principal import Principal, Role
from domain.models.auth import ApiClient, User
from domain.models.webhooks import WebhookSubscription


async def owner_principal(session: AsyncSession, subscription: WebhookSubscription) -> Principal | None:
    principal: Principal | None = None
    if subscription.owner_kind == "user":
        user = await session.scalar(
            select(User).where(User.id == subscription.owner_id).options(selectinload(User.programmes))
        )
        if user is not None and not user.disabled:
            principal = Principal(
                id=user.id,
                name=user.username,
                role=user.role,
                agency_id=user.agency_id,
                trainer_id=user.trainer_id,
                programme_ids=frozenset(user.programme_ids),
            )
    else:
        client = await session.get(ApiClient, subscription.owner_id)
        if client is not None and not client.disabled:
            principal = Principal(
                id=client.id,
                name=f"client:{client.client_id}",
                role=Role.client,
                agency_id=client.agency_id,
                scopes=frozenset(client.scopes) & CLIENT_SCOPES,
            )
    if principal is None or not allowed(principal, EVENTS_READ):
        return None
    return principal
