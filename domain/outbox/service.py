"""Emitting domain events: the services call `emit` where the change happens, in the change's
transaction, so that an event exists exactly when its change does.

Part of the kernel: callers name the officer and agency the event concerns (who may see it)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.db import among, insert_rows, utcnow
from domain.ids import uuid7
from domain.models.events import OutboxEvent
from domain.outbox.catalogue import CATALOGUE, thin_data, thin_data_many

EVENTS = cast(Table, OutboxEvent.__table__)


def emit(
    session: AsyncSession,
    type_: str,
    *,
    resource_id: Any,
    data: dict[str, Any],
    officer_id: uuid.UUID | None = None,
    agency_id: uuid.UUID | None = None,
) -> None:
    """Record one event of the catalogue about `resource_id` (its type comes from the catalogue).
    Its sequence is numbered when the session flushes, for all the flush's events in one query."""
    entry = CATALOGUE[type_]
    order = session.info[ORDER] = session.info.get(ORDER, 0) + 1
    event = OutboxEvent(
        type=type_,
        entity=entry.resource,
        entity_id=str(resource_id),
        officer_id=officer_id,
        agency_id=agency_id,
        payload=thin_data(type_, data),
    )
    event.emit_order = order  # type: ignore[attr-defined]  # a transient attribute: the order within this flush
    session.add(event)


ORDER = "tadrib_emit_order"
# Built once: every flush with events asks it (the keys an expanding parameter of pairs).
_LAST_SEQ = (
    select(EVENTS.c.entity, EVENTS.c.entity_id, func.max(EVENTS.c.resource_seq))
    .where(tuple_(EVENTS.c.entity, EVENTS.c.entity_id).in_(bindparam("keys", expanding=True)))
    .group_by(EVENTS.c.entity, EVENTS.c.entity_id)
)


@event.listens_for(Session, "before_flush")
def _number(session: Session, _context: Any, _instances: Any) -> None:
    """Each new event gets its resource's next sequence number: one query for the flush (the
    resources' rows are locked by the changes that emit, so concurrent writers take turns)."""
    new = sorted(
        (o for o in session.new if isinstance(o, OutboxEvent) and o.resource_seq is None),
        key=lambda o: getattr(o, "emit_order", 0),
    )
    if not new:
        return
    keys = sorted({(o.entity, o.entity_id) for o in new})
    last: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), 300):
        rows = session.connection().execute(_LAST_SEQ, {"keys": keys[start : start + 300]})
        last.update({(e, i): n for e, i, n in rows})
    for o in new:
        key = (o.entity, o.entity_id)
        last[key] = o.resource_seq = last.get(key, 0) + 1


async def emit_many(session: AsyncSession, type_: str, events: Sequence[dict[str, Any]]) -> None:
    """Bulk `emit` (imports): each item has resource_id, data, officer_id and agency_id. Numbered
    like a flush's events: one query for the resources' last numbers (their rows are locked by the
    changes that emit; the unique index refuses a number taken meanwhile), then one bulk insert."""
    if not events:
        return
    entry = CATALOGUE[type_]
    now = utcnow()
    ids = [str(e["resource_id"]) for e in events]
    last: dict[str, int] = {}
    for start in range(0, len(ids), 5000):
        stmt = (
            select(EVENTS.c.entity_id, func.max(EVENTS.c.resource_seq))
            .where(EVENTS.c.entity == entry.resource, among(session, EVENTS.c.entity_id, ids[start : start + 5000]))
            .group_by(EVENTS.c.entity_id)
        )
        last.update({i: n for i, n in await session.execute(stmt)})
    rows = []
    for entity_id, e, payload in zip(ids, events, thin_data_many(type_, [e["data"] for e in events])):
        last[entity_id] = last.get(entity_id, 0) + 1
        rows.append(
            {
                "id": uuid7(),
                "occurred_at": now,
                "type": type_,
                "entity": entry.resource,
                "entity_id": entity_id,
                "resource_seq": last[entity_id],
                "officer_id": e.get("officer_id"),
                "agency_id": e.get("agency_id"),
                "payload": payload,
            }
        )
    await insert_rows(session, EVENTS, rows)
