from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.ids import uuid7

# SQLite numbers rows itself only for an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Position = Integer().with_variant(BigInteger(), "postgresql")


class OutboxEvent(Base):
    """A domain event of the catalogue (domain/outbox/catalogue.py), written in the same
    transaction as the change it reports (transactional outbox): the change feed and the
    webhooks read from here.

    `position` numbers events as they are inserted: on SQLite (one writer at a time) that is
    commit order. On PostgreSQL transactions commit in another order than they insert, so `seq`
    numbers events once committed (domain/events/feed.sequence), and the feed pages by it."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        # Unique: two writers that did not lock the resource cannot both take one number (the later one
        # fails, a retryable conflict, rather than sending receivers two updates with one sequence).
        Index("ix_outbox_events_resource", "entity", "entity_id", "resource_seq", unique=True),
        Index("ix_outbox_events_seq", "seq"),
        {"sqlite_autoincrement": True},
    )

    position: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=True)
    # A client-side key: the ORM inserts many events in one statement and matches them to RETURNING by it.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid7, insert_sentinel=True)
    # Commit order (PostgreSQL): none until the sequencer numbers the committed event.
    seq: Mapped[int | None] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    type: Mapped[str] = mapped_column(String(80), index=True)
    # The resource the event is about, and its sequence: 1, 2, 3... per resource.
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(64))
    resource_seq: Mapped[int] = mapped_column(Integer)
    # The officer the event concerns, and their agency at the time (who may see it).
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
