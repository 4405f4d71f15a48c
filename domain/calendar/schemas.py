import uuid
from datetime import datetime

from pydantic import Field

from domain.models.calendar import FeedKind
from domain.schemas import InputModel, ReadModel


class FeedCreate(InputModel):
    kind: FeedKind = Field(description="Which calendar: a cycle's, a trainer's or an officer's")
    target_id: uuid.UUID = Field(description="The cycle, trainer or officer id")


class FeedRead(ReadModel):
    id: uuid.UUID
    kind: FeedKind
    target_id: uuid.UUID
    created_at: datetime


class FeedCreated(FeedRead):
    url: str = Field(
        description="The secret address of the feed, absolute, for a calendar program to subscribe to (on the "
        "server's public URL, else the one you called), shown this once (only a hash is kept). Anyone holding it "
        "reads the calendar as you would: keep it private, revoke it when in doubt.",
        examples=["https://tadrib.example.org/api/v1/calendar/feeds/4QvG0Jm2cQ1n7mSx0p6m9rZ3bYxkq0dJw8vT2uLr5aE.ics"],
        json_schema_extra={"format": "uri"},
    )
