from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ExternalIdRef(BaseModel):
    source: str
    id: str


class EventResource(BaseModel):
    type: str = Field(description="what the event is about: nomination, module, session, officer...")
    id: str
    officer_id: uuid.UUID | None = Field(default=None, description="the officer it concerns, if any")
    external_ids: list[ExternalIdRef] = Field(
        default_factory=list, description="the HR systems' ids of that officer, where they have them (none once erased)"
    )


class EventRead(BaseModel):
    """The envelope of every event, on the feed and in webhook deliveries."""

    id: uuid.UUID = Field(description="unique; also the webhook-id of its deliveries")
    type: str
    occurred_at: datetime
    sequence: int = Field(description="1, 2, 3... per resource: a receiver drops an update older than one it applied")
    resource: EventResource
    data: dict[str, Any] = Field(description="thin data of the type (see the webhooks section): ids and changed fields")


class EventTypeRead(BaseModel):
    type: str
    resource: str
    description: str
    data_schema: dict[str, Any]
