from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, Entity, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class SubscriptionStatus(StrEnum):
    enabled = "enabled"
    disabled = "disabled"


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt (or for its endpoint to be enabled again)
    delivering = "delivering"  # claimed by a worker until lease_until
    succeeded = "succeeded"
    failed = "failed"  # every retry of the schedule failed; a replay or re-enabling queues it again


class AttemptError(StrEnum):
    """Why an attempt failed, in a few fixed words: never the answer's body or an exception's text,
    which would let a subscriber read what its URL reaches (server-side request forgery)."""

    target_refused = "target-refused"  # the host is not, or no longer, an address webhooks may reach
    timeout = "timeout"  # no complete answer within WEBHOOK_TIMEOUT_SECONDS
    connect_failed = "connect-failed"  # no connection (refused, unreachable)
    tls_failed = "tls-failed"  # the TLS handshake or the certificate check failed
    invalid_response = "invalid-response"  # the answer was not valid HTTP, or the connection broke
    redirect_not_followed = "redirect-not-followed"  # a 3xx: redirects are never followed
    event_gone = "event-gone"  # not sent: the event is no longer kept, or no longer visible to the owner
    failed = "failed"  # anything else


class WebhookSubscription(Entity):
    """An endpoint that receives, signed, the events its owner may read on the feed."""

    __tablename__ = "webhook_subscriptions"

    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    # Empty: every type of the catalogue.
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The owner: an administrator's account or a machine client (whose binding limits what it gets).
    owner_kind: Mapped[str] = mapped_column(String(10))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column()
    status: Mapped[SubscriptionStatus] = mapped_column(
        enum_column(SubscriptionStatus, "webhook_status"), default=SubscriptionStatus.enabled
    )
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None] = mapped_column()
    # Since when every attempt failed (none: the last attempt succeeded).
    failing_since: Mapped[datetime | None] = mapped_column()
    # The feed position its deliveries have been queued up to: (seq, position), see domain/events/feed.
    cursor_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    cursor_position: Mapped[int] = mapped_column(BigInteger, default=0)


class WebhookDelivery(Base):
    """One event for one subscription: the unit a worker claims. Its id is not the webhook-id:
    that is the event's id, the same on every attempt and every redelivery."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.pending, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column()
    # Which claim holds it: a worker whose lease ran out cannot record over the next one's.
    claim: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()

    log: Mapped[list[WebhookAttempt]] = relationship(
        lazy="raise", order_by="WebhookAttempt.at", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookAttempt(Base):
    """The delivery log: one row per attempt."""

    __tablename__ = "webhook_attempts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    # An AttemptError (none: an answer came; status_code says which). No part of the answer is kept.
    error: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
