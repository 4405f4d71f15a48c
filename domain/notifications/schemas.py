from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from domain.models.notifications import MessageStatus
from domain.schemas import InputModel, ReadModel


class MessageFilters(BaseModel):
    officer_id: uuid.UUID | None = Field(None, description="Messages to or about this officer (copies included)")
    user_id: uuid.UUID | None = Field(None, description="Messages to this account (a focal point, a trainer)")
    module_id: uuid.UUID | None = None
    cycle_id: uuid.UUID | None = None
    kind: str | None = Field(None, max_length=40, description="A kind of message (GET /cycles/{id}/message-kinds)")
    status: MessageStatus | None = None


class MessageRead(ReadModel):
    """A message as the log shows it: who, what kind, which language, its delivery."""

    id: uuid.UUID
    kind: str
    audience: str = Field(description="officer, copy (to a focal point, about an officer), focal_point or trainer")
    officer_id: uuid.UUID | None = Field(description="The officer the message is to or about")
    user_id: uuid.UUID | None = Field(description="The account the message is to")
    cycle_id: uuid.UUID | None
    module_id: uuid.UUID | None
    session_id: uuid.UUID | None
    language: str
    to_address: str | None
    subject: str
    invitation: str | None = Field(
        validation_alias="ics_method", description="The iTIP method of the attached invitations"
    )
    status: MessageStatus
    attempts: int
    last_error: str | None = Field(description="The SMTP server's answer or what went wrong, at the last attempt")
    created_at: datetime = Field(description="When it was decided (and rendered)")
    next_attempt_at: datetime
    sent_at: datetime | None
    resent_from_id: uuid.UUID | None


class MessageDetail(MessageRead):
    """The message as it was sent: the text rendered when it was decided, and its invitations."""

    body: str
    ics: str | None = Field(description="The iCalendar objects attached (RFC 5546), one per session")


class MessageCount(ReadModel):
    kind: str
    status: MessageStatus
    count: int


class MessageCounts(ReadModel):
    counts: list[MessageCount]
    total: int


class MessageKindRead(ReadModel):
    kind: str
    description: str
    enabled: bool


class MessageKindUpdate(InputModel):
    enabled: bool = Field(description="false: the kind is decided nowhere in this cycle until turned on again")
