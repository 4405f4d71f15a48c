"""Officers written in bulk (an import's apply and undo) by the rules of the one write path
(writes.py): every column a new officer takes as the model defaults it, the same derived name
keys, uuid7 ids, one audit entry and one event per officer as a single write gives them. Only the
statements differ: new rows through db.insert_rows (an executemany on SQLite, a COPY on
PostgreSQL), changes one executemany per set of changed columns, never one ORM flush per row.
Callers check the permission, reach, duplicates and versions first (domain/imports/apply.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import Actor, audit_many
from domain.db import among, insert_rows
from domain.ids import uuid7
from domain.models.officers import Officer, OfficerExternalId
from domain.officers.agencies import agencies_of
from domain.officers.writes import derived_keys, event_fields, officer_event
from domain.outbox.service import emit_many

OFFICERS = cast(Table, Officer.__table__)
EXTERNAL_IDS = cast(Table, OfficerExternalId.__table__)
CHUNK = 5000  # rows per executemany / ids per IN (...)


@dataclass(frozen=True)
class NewOfficer:
    id: uuid.UUID
    values: Mapping[str, Any]  # column values, as the model takes them
    audited: Mapping[str, Any]  # the values as the audit shows them (JSON-safe)
    external_id: tuple[str, str] | None = None  # (source, id) in the officer's agency


@dataclass(frozen=True)
class OfficerChange:
    id: uuid.UUID
    version: int  # the version the row moves to (it was checked and locked before)
    values: Mapping[str, Any]  # OfficerUpdate's fields ("active" among them), as the columns take them
    audited: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)  # {field: (before, after)}, JSON-safe
    deactivates: bool = False


def officer_defaults(now: datetime) -> dict[str, Any]:
    """Every column of a new officer as the model defaults it; one dict per batch, so that the rows
    share its values (the empty name_parts among them: bound once by db.insert_rows)."""
    defaults: dict[str, Any] = {}
    for column in OFFICERS.c:
        default = cast(Any, column.default)
        if default is None:
            defaults[column.name] = None
        elif default.is_scalar:
            defaults[column.name] = default.arg
        elif column.name in ("created_at", "updated_at"):
            defaults[column.name] = now
        else:
            defaults[column.name] = default.arg(None)
    return defaults


async def create_officers(
    session: AsyncSession, *, principal: Actor, officers: Sequence[NewOfficer], now: datetime
) -> None:
    defaults = officer_defaults(now)
    rows = []
    for new in officers:
        row = defaults | dict(new.values) | {"id": new.id}
        rows.append(row | derived_keys(row))
    await insert_rows(session, OFFICERS, rows)
    await insert_rows(
        session,
        EXTERNAL_IDS,
        [
            {
                "id": uuid7(),
                "officer_id": new.id,
                "agency_id": row["agency_id"],
                "source": new.external_id[0],
                "external_id": new.external_id[1],
            }
            for new, row in zip(officers, rows)
            if new.external_id is not None
        ],
    )
    await audit_many(
        session,
        principal=principal,
        action="created",
        entity="officer",
        changes=[(new.id, {k: (None, v) for k, v in new.audited.items()}) for new in officers],
        json_safe=True,
    )
    await emit_many(session, "officer.created", [officer_event(r["id"], r["agency_id"], active=True) for r in rows])


async def change_officers(
    session: AsyncSession, *, principal: Actor, changes: Sequence[OfficerChange], now: datetime
) -> None:
    """UPDATE officers in bulk, one executemany per set of changed columns; each row's version
    moves to the one given."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        params = dict(change.values)
        if "active" in params:
            params["deactivated_at"] = None if params.pop("active") else now
        params |= derived_keys(params)
        columns = tuple(sorted(params))
        groups.setdefault(columns, []).append(params | {"b_id": change.id, "b_version": change.version})
    for columns, grouped in groups.items():
        stmt = (
            update(OFFICERS)
            .where(OFFICERS.c.id == bindparam("b_id"))
            .values({n: bindparam(n) for n in columns} | {"version": bindparam("b_version"), "updated_at": now})
        )
        for start in range(0, len(grouped), CHUNK):
            await session.execute(stmt, grouped[start : start + CHUNK])
    await audit_many(
        session,
        principal=principal,
        action="updated",
        entity="officer",
        changes=[(c.id, dict(c.audited)) for c in changes],
        json_safe=True,
    )
    agencies = await agencies_of(session, [c.id for c in changes])
    deactivated = [c for c in changes if c.deactivates]
    await emit_many(
        session,
        "officer.deactivated",
        [officer_event(c.id, agencies.get(c.id), active=False, changed=["active"]) for c in deactivated],
    )
    await emit_many(
        session,
        "officer.updated",
        [
            officer_event(c.id, agencies.get(c.id), changed=event_fields(c.audited))
            for c in changes
            if not c.deactivates
        ],
    )


async def delete_officers(session: AsyncSession, *, principal: Actor, officer_ids: Iterable[uuid.UUID]) -> None:
    """Remove officers nothing refers to (an undone import's), with their external ids."""
    ids = list(officer_ids)
    agencies = await agencies_of(session, ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        await session.execute(delete(EXTERNAL_IDS).where(among(session, EXTERNAL_IDS.c.officer_id, part)))
        await session.execute(delete(OFFICERS).where(among(session, OFFICERS.c.id, part)))
    await audit_many(session, principal=principal, action="deleted", entity="officer", changes=[(i, {}) for i in ids])
    await emit_many(session, "officer.deleted", [officer_event(i, agencies.get(i)) for i in ids])
