"""Webhook subscriptions: administrators manage any, a machine client with webhooks:manage its
own (another's is a 404). The secret is shown once; a rotation keeps the old one signing for a
while. Re-enabling an endpoint, a replay of a time range or a redelivery queue what it missed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.audit.service import record_change
from domain.auth.policy import WEBHOOKS_MANAGE, authorize
from domain.auth.principal import Principal, Role
from domain.crud import check_version, get_or_404
from domain.db import utcnow
from domain.errors import InvalidInput, NotFound
from domain.events import feed
from domain.i18n import translatable
from domain.models.events import OutboxEvent
from domain.models.webhooks import DeliveryStatus, SubscriptionStatus, WebhookDelivery, WebhookSubscription
from domain.pagination import Paged, paginate
from domain.settings import IPNetwork
from domain.webhooks import queue, targets
from domain.webhooks.owners import owner_principal
from domain.webhooks.schemas import Replay, WebhookCreate, WebhookUpdate
from domain.webhooks.signing import new_secret

ENTITY = "webhook"
REPLAY_LIMIT = 10_000  # events per replay request; replay a narrower range for more


def _owned(principal: Principal) -> ColumnElement[bool]:
    if principal.role is Role.admin:
        return true()
    return WebhookSubscription.owner_id == principal.id


def _owner_kind(principal: Principal) -> str:
    if principal.id is None:
        raise InvalidInput(
            translatable("Only a signed-in account or client can own a webhook."),
            errors=[{"field": "owner", "message": "none"}],
        )
    return principal.kind


async def get_webhook(session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID) -> WebhookSubscription:
    authorize(principal, WEBHOOKS_MANAGE)
    return await get_or_404(session, WebhookSubscription, webhook_id, where=(_owned(principal),))


async def list_webhooks(
    session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None
) -> Paged[WebhookSubscription]:
    authorize(principal, WEBHOOKS_MANAGE)
    stmt = select(WebhookSubscription).where(_owned(principal))
    return await paginate(session, stmt, order=(WebhookSubscription.id,), limit=limit, cursor=cursor)


async def _feed_end(session: AsyncSession) -> feed.Position:
    """Where a new subscription starts: after the last settled event (it gets what follows)."""
    stmt: Select[Any] = select(OutboxEvent)
    if feed.is_postgres(session):
        await feed.sequence(session)
        stmt = stmt.where(OutboxEvent.seq.is_not(None)).order_by(OutboxEvent.seq.desc())
    else:
        stmt = stmt.order_by(OutboxEvent.position.desc())
    last = await session.scalar(stmt.limit(1))
    return feed.position_of(last) if last else feed.START


async def create_webhook(
    session: AsyncSession, *, principal: Principal, data: WebhookCreate, allowed_networks: Sequence[IPNetwork]
) -> tuple[WebhookSubscription, str]:
    """`allowed_networks`: what the settings open besides public addresses (WEBHOOK_ALLOWED_NETWORKS)."""
    authorize(principal, WEBHOOKS_MANAGE)
    await targets.check_target(data.url, allowed=allowed_networks)
    secret = new_secret()
    seq, position = await _feed_end(session)
    subscription = WebhookSubscription(
        url=data.url,
        description=data.description,
        event_types=list(data.event_types),
        owner_kind=_owner_kind(principal),
        owner_id=principal.id,
        secret=secret,
        status=SubscriptionStatus.enabled,
        cursor_seq=seq,
        cursor_position=position,
    )
    session.add(subscription)
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="created",
        entity=ENTITY,
        entity_id=subscription.id,
        changes={"url": (None, data.url), "event_types": (None, list(data.event_types)), "secret": (None, "(set)")},
    )
    return subscription, secret


async def update_webhook(
    session: AsyncSession,
    *,
    principal: Principal,
    webhook_id: uuid.UUID,
    data: WebhookUpdate,
    expected_version: int | None,
    allowed_networks: Sequence[IPNetwork],
) -> WebhookSubscription:
    subscription = await get_webhook(session, principal=principal, webhook_id=webhook_id)
    check_version(subscription, expected_version)
    changes = data.changes()
    if "url" in changes:
        await targets.check_target(changes["url"], allowed=allowed_networks)
    enable = changes.pop("enabled", None)
    audited: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        before = getattr(subscription, field)
        if before != value:
            setattr(subscription, field, value)
            audited[field] = (before, value)
    if enable is True and subscription.status is SubscriptionStatus.disabled:
        subscription.status, subscription.disabled_at, subscription.disabled_reason = (
            SubscriptionStatus.enabled,
            None,
            None,
        )
        subscription.failing_since = None
        audited["status"] = (SubscriptionStatus.disabled, SubscriptionStatus.enabled)
        # What it missed while failing or disabled goes out now (each with its own webhook-id).
        await session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.subscription_id == subscription.id,
                WebhookDelivery.status.in_([DeliveryStatus.failed, DeliveryStatus.pending]),
            )
            .values(status=DeliveryStatus.pending, attempts=0, next_attempt_at=utcnow())
        )
    elif enable is False and subscription.status is SubscriptionStatus.enabled:
        subscription.status, subscription.disabled_at = SubscriptionStatus.disabled, utcnow()
        subscription.disabled_reason = f"disabled by {principal.name}"
        audited["status"] = (SubscriptionStatus.enabled, SubscriptionStatus.disabled)
    if audited:
        subscription.updated_at = utcnow()
        await session.flush()
        record_change(
            session, principal=principal, action="updated", entity=ENTITY, entity_id=subscription.id, changes=audited
        )
    return subscription


async def delete_webhook(
    session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID, expected_version: int | None
) -> None:
    subscription = await get_webhook(session, principal=principal, webhook_id=webhook_id)
    check_version(subscription, expected_version)
    await session.delete(subscription)
    await session.flush()
    record_change(session, principal=principal, action="deleted", entity=ENTITY, entity_id=webhook_id)


async def rotate_secret(
    session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID, overlap_hours: float
) -> tuple[str, datetime]:
    subscription = await get_webhook(session, principal=principal, webhook_id=webhook_id)
    secret = new_secret()
    until = utcnow() + timedelta(hours=overlap_hours)
    subscription.previous_secret, subscription.previous_secret_until = subscription.secret, until
    subscription.secret = secret
    subscription.updated_at = utcnow()
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="secret-rotated",
        entity=ENTITY,
        entity_id=subscription.id,
        changes={"secret": ("(previous)", "(new)"), "previous_secret_until": (None, until)},
    )
    return secret, until


async def replay(session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID, data: Replay) -> int:
    """Queue again every event of the range the owner may read (of the subscription's types)."""
    subscription = await get_webhook(session, principal=principal, webhook_id=webhook_id)
    owner = await owner_principal(session, subscription)
    if owner is None:
        return 0
    stmt = (
        select(OutboxEvent.id)
        .where(feed.visible(owner), OutboxEvent.occurred_at >= data.since, OutboxEvent.occurred_at < data.until)
        .order_by(OutboxEvent.position)
        .limit(REPLAY_LIMIT)
    )
    if subscription.event_types:
        stmt = stmt.where(OutboxEvent.type.in_(subscription.event_types))
    ids = list(await session.scalars(stmt))
    await queue.requeue(session, subscription_id=subscription.id, event_ids=ids)
    record_change(
        session,
        principal=principal,
        action="replayed",
        entity=ENTITY,
        entity_id=subscription.id,
        changes={"since": (None, data.since), "until": (None, data.until), "queued": (None, len(ids))},
    )
    return len(ids)


async def redeliver(session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID, event_id: uuid.UUID) -> int:
    subscription = await get_webhook(session, principal=principal, webhook_id=webhook_id)
    owner = await owner_principal(session, subscription)
    found = None
    if owner is not None:
        found = await session.scalar(select(OutboxEvent.id).where(OutboxEvent.id == event_id, feed.visible(owner)))
    if found is None:
        raise NotFound(
            translatable(
                "No event {event_id} this subscription may receive (or it is no longer kept).", event_id=event_id
            ),
            entity="events",
            id=str(event_id),
        )
    await queue.requeue(session, subscription_id=subscription.id, event_ids=[event_id])
    record_change(
        session,
        principal=principal,
        action="redelivered",
        entity=ENTITY,
        entity_id=subscription.id,
        changes={"event_id": (None, event_id)},
    )
    return 1


async def list_deliveries(
    session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID, limit: int, cursor: str | None
) -> Paged[WebhookDelivery]:
    """The delivery log, newest deliveries last, each with its attempts (two queries a page)."""
    subscription = await get_webhook(session, principal=principal, webhook_id=webhook_id)
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .options(selectinload(WebhookDelivery.log))
    )
    return await paginate(session, stmt, order=(WebhookDelivery.id,), limit=limit, cursor=cursor)
