from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from domain.models.webhooks import AttemptError
from domain.outbox.catalogue import EventTypeName
from domain.schemas import EntityRead, InputModel, Instant, PatchModel, ReadModel

WebhookUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=8, max_length=2000, pattern=r"^https?://[^\s]+$"),
    Field(
        description="http(s) URL that receives POSTs. Every address its host resolves to must be public "
        "(internal, link-local and cloud metadata addresses are refused, IPv4 inside 6to4, Teredo and NAT64 "
        "addresses too), unless the server's WEBHOOK_ALLOWED_NETWORKS opens a network"
    ),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
EventTypes = Annotated[list[EventTypeName], Field(max_length=50, description="the types to receive; empty: every type")]


class WebhookCreate(InputModel):
    url: WebhookUrl
    event_types: EventTypes = Field(default_factory=list)
    description: Description | None = None


class WebhookUpdate(PatchModel):
    nullable: ClassVar[frozenset[str]] = frozenset({"description"})
    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    enabled: bool | None = Field(
        default=None, description="true re-enables a disabled endpoint and queues what it missed"
    )


class WebhookRead(EntityRead):
    url: str
    description: str | None
    event_types: list[str]
    owner_kind: str
    owner_id: uuid.UUID
    status: str
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None = Field(description="since when every attempt failed; none when the last succeeded")
    previous_secret_until: datetime | None = Field(description="while rotating: the old secret signs too until then")


class WebhookCreated(WebhookRead):
    secret: str = Field(description="whsec_...: shown once; verify signatures with it (Standard Webhooks)")


class SecretRotated(ReadModel):
    secret: str = Field(
        description="the new whsec_ secret, shown once; deliveries are signed with both until previous_secret_until"
    )
    previous_secret_until: datetime


class AttemptRead(ReadModel):
    at: datetime
    status_code: int | None = Field(description="the answer's HTTP status; none when no answer came")
    duration_ms: int
    error: AttemptError | None = Field(
        description="why the attempt failed, when it did without a status or with a 3xx: target-refused (the host "
        "is not, or no longer, an address webhooks may reach), timeout, connect-failed, tls-failed, "
        "invalid-response, redirect-not-followed, event-gone (not sent: no longer kept or visible), failed. "
        "Nothing of the answer's body is kept."
    )


class DeliveryRead(ReadModel):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="also the webhook-id header of every attempt")
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime
    log: list[AttemptRead]


class Replay(InputModel):
    since: Instant
    until: Instant

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self


class Redelivery(InputModel):
    event_id: uuid.UUID


class Queued(ReadModel):
    queued: int = Field(description="deliveries queued")
