"""The change feed: events in commit order, never skipping one, each principal seeing only the
events about what it may see.

Commit order on PostgreSQL: transactions take positions in one order and may commit in
another, so a reader paging by position could step over one that commits late. Committed events
are therefore numbered (`seq`) by a sequencer that runs under a transaction-level advisory lock,
one at a time, before every read of the feed: it numbers only what has committed, after
everything it numbered before, so a late commit gets a later number and no cursor has passed it.
(Any reader may run it; a reader waits for the one numbering now, for a moment.)
On SQLite one writer at a time commits, so insertion order (position) is commit order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain import postgres
from domain.access import need_to_know
from domain.audit.service import record_read
from domain.auth.policy import EVENTS_READ, authorize
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.errors import Gone, InvalidInput
from domain.i18n import translatable
from domain.models.events import OutboxEvent
from domain.models.officers import Officer, OfficerExternalId
from domain.outbox.catalogue import CATALOGUE
from domain.pagination import decode_cursor, encode_cursor

E = OutboxEvent
Position = tuple[int, int]  # (seq, position); seq is 0 on SQLite
START: Position = (0, 0)

SEQUENCER_LOCK = 7_301_130  # pg_advisory_xact_lock key: one sequencer at a time
SEQUENCE_BATCH = 5000
_SEQUENCE = text(
    "UPDATE outbox_events AS e SET seq = n.base + n.rn FROM ("
    " SELECT position, row_number() OVER (ORDER BY position) AS rn,"
    "  (SELECT coalesce(max(seq), 0) FROM outbox_events) AS base"
    " FROM outbox_events WHERE seq IS NULL ORDER BY position LIMIT :batch) AS n"
    " WHERE e.position = n.position"
)


async def sequence(session: AsyncSession) -> None:
    """Number the committed events that have no commit order yet (PostgreSQL), in a transaction
    (a feed read's connection has none: the advisory lock lasts until the read commits)."""
    await postgres.begin_in_read(session)
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQUENCER_LOCK})
    await session.execute(_SEQUENCE, {"batch": SEQUENCE_BATCH})


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def check_types(types: Sequence[str] | None, field: str = "types") -> list[str]:
    unknown = [t for t in types or [] if t not in CATALOGUE]
    if unknown:
        raise InvalidInput(
            translatable("Unknown event type(s): {names}.", names=", ".join(unknown)),
            errors=[{"field": field, "message": f"not in the catalogue: {t}"} for t in unknown],
        )
    return list(types or [])


def visible(principal: Principal) -> ColumnElement[bool]:
    """Events about no officer (modules, sessions, imports) and those about officers of agencies
    in the principal's reach: a client bound to an agency gets only its own officers' events."""
    return or_(E.agency_id.is_(None), need_to_know.agency_in_reach(principal, E.agency_id))


def after_position(stmt: Select[Any], postgres: bool, after: Position) -> Select[Any]:
    if postgres:
        return stmt.where(E.seq > after[0]).order_by(E.seq)
    return stmt.where(E.position > after[1]).order_by(E.position)


async def read_events(
    session: AsyncSession,
    *,
    principal: Principal,
    after: Position,
    types: Sequence[str] | None,
    limit: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[OutboxEvent]:
    """The next `limit` settled events after `after` that the principal may see."""
    postgres = is_postgres(session)
    if postgres:
        await sequence(session)
    stmt = select(E).where(visible(principal))
    if types:
        stmt = stmt.where(E.type.in_(list(types)))
    if since is not None:
        stmt = stmt.where(E.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(E.occurred_at < until)
    stmt = after_position(stmt, postgres, after).limit(limit)
    return list(await session.scalars(stmt))


def position_of(event: OutboxEvent) -> Position:
    return (event.seq or 0, event.position)


async def envelopes(
    session: AsyncSession, *, principal: Principal, events: Sequence[OutboxEvent]
) -> list[dict[str, Any]]:
    """The events as receivers get them; officers' external ids looked up now, in one query, so
    that an erased officer's events carry nothing that identifies them."""
    officer_ids = {e.officer_id for e in events if e.officer_id is not None}
    external: dict[uuid.UUID, list[dict[str, str]]] = {}
    if officer_ids:
        stmt = (
            select(OfficerExternalId.officer_id, OfficerExternalId.source, OfficerExternalId.external_id)
            .join(Officer, Officer.id == OfficerExternalId.officer_id)
            .where(Officer.id.in_(officer_ids), need_to_know.officers(principal))
            .order_by(OfficerExternalId.source, OfficerExternalId.external_id)
        )
        for officer_id, source, external_id in await session.execute(stmt):
            external.setdefault(officer_id, []).append({"source": source, "id": external_id})
    return [envelope(e, external.get(e.officer_id, []) if e.officer_id else []) for e in events]


def envelope(event: OutboxEvent, external_ids: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "sequence": event.resource_seq,
        "resource": {
            "type": event.entity,
            "id": event.entity_id,
            "officer_id": event.officer_id,
            "external_ids": external_ids,
        },
        "data": event.payload,
    }


def feed_cursor(event: OutboxEvent) -> str:
    return encode_cursor([event.seq or 0, event.position, event.occurred_at.isoformat()])


def read_cursor(cursor: str, *, retention_days: int) -> Position:
    try:
        seq, position, at = decode_cursor(cursor, [E.seq, E.position, E.entity])
        kept_since = utcnow() - timedelta(days=retention_days)
        older = datetime.fromisoformat(at) < kept_since
    except (ValueError, TypeError):
        raise InvalidInput(
            translatable("The cursor is not one this API issued."),
            errors=[{"field": "after", "message": "malformed or foreign cursor"}],
        ) from None
    if older:
        raise Gone(
            translatable(
                "The cursor points before {kept_since}: events are kept {retention_days} days, and older "
                "ones are gone. Start again without a cursor (and compare what you hold), or replay a "
                "webhook's time range.",
                kept_since=kept_since.isoformat(),
                retention_days=retention_days,
            ),
            code="cursor-expired",
            title="Cursor expired",
            kept_since=kept_since.isoformat(),
        )
    return (seq, position)


async def list_events(
    session: AsyncSession,
    *,
    principal: Principal,
    after: str | None,
    types: Sequence[str] | None,
    limit: int,
    retention_days: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the feed and the cursor to continue from (also when the page is empty: poll
    again with it). Events older than the retention window are not served."""
    authorize(principal, EVENTS_READ)
    types = check_types(types)
    start = read_cursor(after, retention_days=retention_days) if after else START
    events = await read_events(
        session,
        principal=principal,
        after=start,
        types=types,
        limit=limit,
        since=utcnow() - timedelta(days=retention_days),
    )
    items = await envelopes(session, principal=principal, events=events)
    about_officers = sum(1 for e in events if e.officer_id is not None)
    if about_officers and need_to_know.logs_reads(principal):  # an idle poll reads no one
        record_read(
            session,
            principal=principal,
            entity="events",
            filters={"after": after, "types": list(types) if types else None},
            row_count=about_officers,
        )
    return items, feed_cursor(events[-1]) if events else after
