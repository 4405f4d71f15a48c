import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity
from domain.enums import enum_column


class FeedKind(StrEnum):
    cycle = "cycle"
    trainer = "trainer"
    officer = "officer"


class CalendarFeed(Entity):
    """A secret feed URL of one account for one calendar. Only a keyed hash of the secret is kept
    (the secret is shown once). The owner is re-checked on every fetch: a deleted or disabled
    account, or one that may no longer read the calendar, gets a 404.

    `user_id` has no foreign key on purpose: deleting an account must not be refused because of
    its feeds (deletes refuse referenced rows); a deleted owner's feeds simply stop answering."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[FeedKind] = mapped_column(enum_column(FeedKind, "kind"))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column()
