"""The delivery queue: fan-out from the feed, claims with leases, and results.

- dispatch: each subscription reads the feed after its own cursor, as its owner may see it
  (so it never skips an event either), and queues one delivery per event, once
  (unique subscription + event);
- claim: a worker takes due deliveries for a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so
  workers share the work and never hold one delivery together); a worker that dies leaves its
  claims to come back when the lease ends, so nothing is lost;
- record: a result counts only under the claim that sent it."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.events import feed
from domain.models.webhooks import DeliveryStatus, SubscriptionStatus, WebhookDelivery, WebhookSubscription
from domain.webhooks.owners import owner_principal

D, S = WebhookDelivery, WebhookSubscription


def _insert(session: AsyncSession) -> Any:
    return (postgresql.insert if feed.is_postgres(session) else sqlite.insert)(D)


async def requeue(session: AsyncSession, *, subscription_id: uuid.UUID, event_ids: Sequence[uuid.UUID]) -> None:
    """Queue these events for delivery now, whether they were delivered before or not (the
    same webhook-id as before: the event's id)."""
    now = utcnow()
    for start in range(0, len(event_ids), 500):
        rows = [
            {
                "id": uuid.uuid4(),
                "subscription_id": subscription_id,
                "event_id": e,
                "status": DeliveryStatus.pending.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for e in event_ids[start : start + 500]
        ]
        stmt = _insert(session).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=[D.subscription_id, D.event_id],
            set_={"status": DeliveryStatus.pending.value, "attempts": 0, "next_attempt_at": now},
        )
        await session.execute(stmt)


async def dispatch(session: AsyncSession, *, batch: int = 500) -> int:
    """Queue the new events of every subscription; returns how many deliveries were queued.
    Subscriptions being dispatched by another worker are skipped this round."""
    stmt = select(S).order_by(S.id)
    if feed.is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    queued = 0
    for subscription in list(await session.scalars(stmt)):
        owner = await owner_principal(session, subscription)
        if owner is None:
            continue
        after = (subscription.cursor_seq, subscription.cursor_position)
        events = await feed.read_events(
            session, principal=owner, after=after, types=subscription.event_types or None, limit=batch
        )
        if not events:
            continue
        now = utcnow()
        rows = [
            {
                "id": uuid.uuid4(),
                "subscription_id": subscription.id,
                "event_id": e.id,
                "status": DeliveryStatus.pending.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for e in events
        ]
        await session.execute(
            _insert(session).values(rows).on_conflict_do_nothing(index_elements=[D.subscription_id, D.event_id])
        )
        subscription.cursor_seq, subscription.cursor_position = feed.position_of(events[-1])
        queued += len(rows)
    await session.flush()
    return queued


async def claim(
    session: AsyncSession, *, limit: int, lease_seconds: float, skip: Collection[uuid.UUID] = ()
) -> tuple[uuid.UUID, list[WebhookDelivery]]:
    """Take up to `limit` due deliveries of enabled endpoints for a lease, none of the `skip`
    subscriptions (those the worker is still sending to)."""
    now = utcnow()
    due = or_(
        and_(D.status == DeliveryStatus.pending, D.next_attempt_at <= now),
        and_(D.status == DeliveryStatus.delivering, D.lease_until < now),
    )
    stmt = (
        select(D)
        .join(S, S.id == D.subscription_id)
        .where(S.status == SubscriptionStatus.enabled, due)
        .order_by(D.next_attempt_at, D.id)
        .limit(limit)
    )
    if skip:
        stmt = stmt.where(D.subscription_id.not_in(skip))
    if feed.is_postgres(session):
        stmt = stmt.with_for_update(of=D, skip_locked=True)
    deliveries = list(await session.scalars(stmt))
    token = uuid.uuid4()
    if deliveries:
        await session.execute(
            update(D)
            .where(D.id.in_([d.id for d in deliveries]))
            .values(status=DeliveryStatus.delivering, lease_until=now + timedelta(seconds=lease_seconds), claim=token)
        )
    return token, deliveries


async def still_held(session: AsyncSession, delivery_id: uuid.UUID, token: uuid.UUID) -> bool:
    held = await session.scalar(
        select(D.id).where(D.id == delivery_id, D.claim == token, D.status == DeliveryStatus.delivering)
    )
    return held is not None


async def settle(session: AsyncSession, *, delivery_id: uuid.UUID, token: uuid.UUID, values: dict[str, Any]) -> bool:
    """Write a delivery's outcome if the claim that sent it still holds it."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(D)
            .where(D.id == delivery_id, D.claim == token, D.status == DeliveryStatus.delivering)
            .values(claim=None, lease_until=None, **values)
        ),
    )
    return bool(result.rowcount)


def next_attempt(
    attempts: int, delays: Sequence[float], *, retry_after: float | None, jitter: float, rand: float, now: datetime
) -> datetime | None:
    """When to try again after `attempts` failed attempts (none: the schedule is exhausted).
    Retry-After, when the receiver sent one, is honoured (never beyond the schedule's longest wait)."""
    if attempts > len(delays):
        return None
    delay = delays[attempts - 1] * (1 + jitter * rand)
    if retry_after is not None:
        delay = max(delay, min(retry_after, max(delays)))
    return now + timedelta(seconds=delay)
