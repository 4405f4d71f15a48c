"""Applying an officers import exactly as planned, in one transaction, or not at all; and undoing
it while nothing touched its records since. The officers are written in bulk through the
officers' own write path (domain/officers/bulk.py: the model's defaults, name keys, uuid7 ids,
audit and events as a single write gives them), so that 20,000 rows stay close to a raw insert."""

from __future__ import annotations

import functools
import uuid
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.audit.service import record_change
from domain.auth.policy import IMPORTS_WRITE, authorize
from domain.auth.principal import Principal
from domain.collector import paused_during
from domain.db import Base, among, internal, utcnow
from domain.errors import Conflict
from domain.i18n import translatable
from domain.imports.officers import moves_of
from domain.imports.store import chunks, load_import, rows_seen, versions
from domain.models.imports import Import, ImportKind, ImportRow, ImportStatus, RowAction
from domain.models.officers import Officer, OfficerExternalId, ProvisioningLink, Sex
from domain.officers.bulk import NewOfficer, OfficerChange, change_officers, create_officers, delete_officers
from domain.officers.duplicates import keys_taken_on_move
from domain.outbox.service import emit

A = RowAction
OFFICERS = cast(Table, Officer.__table__)
EXTERNAL_IDS = cast(Table, OfficerExternalId.__table__)
IMPORT_ROWS = cast(Table, ImportRow.__table__)
WRITTEN = (A.create, A.update, A.deactivate)


_agency_id = functools.lru_cache(maxsize=1024)(uuid.UUID)  # rows of a file share a few agencies: one object each


def _column_value(field: str, value: Any) -> Any:
    """A JSON-safe planned value as the column takes it."""
    if value is None:
        return None
    if field == "agency_id":
        return _agency_id(value)
    if field == "date_of_birth":
        return date.fromisoformat(value)
    if field == "sex":
        return Sex(value)
    return value


async def _planned_rows(session: AsyncSession, principal: Principal, imported: Import) -> list[Any]:
    t = IMPORT_ROWS.c  # the table's columns: plain rows, without the ORM's per-row work
    stmt = select(t.line, t.action, t.target_id, t.planned_version, t.key, t["values"], t.changes).where(
        t.import_id == imported.id, t.action.in_(WRITTEN), rows_seen(principal)
    )
    return list((await session.execute(stmt)).all())


def _lines(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"line": r.line, "officer_id": str(r.target_id)} for r in rows]


async def _changed_since_planning(
    session: AsyncSession, principal: Principal, imported: Import, rows: list[Any]
) -> list[Any]:
    current = await versions(
        session, principal=principal, ids=[r.target_id for r in rows if r.action is not A.create], lock=True
    )
    stale = [r for r in rows if r.action is not A.create and current.get(r.target_id) != r.planned_version]
    creates = [r for r in rows if r.action is A.create]
    options = imported.options
    # Keys taken since planning, by officers within reach: one outside it cannot collide (see Officer).
    for part in chunks(creates):
        taken_stmt: Any
        if options["key"] == "external_id":
            taken_stmt = (
                select(OfficerExternalId.external_id)
                .join(Officer)
                .where(
                    OfficerExternalId.source == options["source"],
                    among(session, OfficerExternalId.external_id, [r.key for r in part]),
                    need_to_know.officers(principal),
                )
            )
        else:
            taken_stmt = select(Officer.national_id).where(
                among(session, Officer.national_id, [r.key for r in part]), need_to_know.officers(principal)
            )
        taken = set(await session.scalars(taken_stmt))
        stale += [r for r in part if r.key in taken]
    moved_onto_taken = await keys_taken_on_move(session, principal=principal, moves=moves_of(rows))
    stale += [r for r in rows if r.target_id in moved_onto_taken and r not in stale]
    return stale


def _planned_values(planned: dict[str, Any]) -> dict[str, Any]:
    return {f: _column_value(f, v) for f, v in planned.items()}


def _changes(rows: list[Any], *, undo: bool = False) -> list[OfficerChange]:
    """The planned changes as the officers' bulk write takes them (an undo: back to before); each
    row's version moves on by one from the one planned (rows are locked and were checked against it)."""
    out = []
    for row in rows:
        changes = row.changes or {}
        out.append(
            OfficerChange(
                id=row.target_id,
                version=row.planned_version + (2 if undo else 1),
                values=_planned_values({f: (b if undo else a) for f, (b, a) in changes.items()}),
                audited={f: ((a, b) if undo else (b, a)) for f, (b, a) in changes.items()},
                deactivates=row.action is A.deactivate and not undo,
            )
        )
    return out


@paused_during
async def apply_officer_import(
    session: AsyncSession, *, principal: Principal, import_id: uuid.UUID, plan_hash: str
) -> Import:
    authorize(principal, IMPORTS_WRITE)
    imported = await load_import(session, principal=principal, import_id=import_id, kind=ImportKind.officers)
    if imported.status is not ImportStatus.planned:
        raise Conflict(
            translatable("The import is {status}; only a planned import is applied.", status=imported.status.value),
            code="import-not-planned",
        )
    if plan_hash != imported.plan_hash:
        raise Conflict(
            translatable("plan_hash is not this import's plan: review the plan you apply."), code="plan-hash-mismatch"
        )
    rows = await _planned_rows(session, principal, imported)
    stale = await _changed_since_planning(session, principal, imported, rows)
    if stale:
        raise Conflict(
            translatable(
                "{count} planned row(s) changed since planning; nothing was written. Plan the file again.",
                count=len(stale),
            ),
            code="plan-outdated",
            title="The plan is out of date",
            rows=_lines(stale)[:1000],
        )
    now = utcnow()
    external = imported.options["source"] if imported.options["key"] == "external_id" else None
    new = [
        NewOfficer(
            id=r.target_id,
            values=_planned_values(r.values),
            audited=r.values,
            external_id=(external, r.key) if external is not None else None,
        )
        for r in rows
        if r.action is A.create
    ]
    await create_officers(session, principal=principal, officers=new, now=now)
    await change_officers(
        session, principal=principal, changes=_changes([r for r in rows if r.action is not A.create]), now=now
    )
    counts = {action.value: sum(1 for r in rows if r.action is action) for action in WRITTEN}
    imported.status, imported.applied_at, imported.applied_by_name = ImportStatus.applied, now, principal.name
    imported.result = {"written": counts}
    record_change(
        session,
        principal=principal,
        action="applied",
        entity="import",
        entity_id=imported.id,
        changes={"written": (None, counts)},
    )
    emit(session, "import.applied", resource_id=imported.id, data={"kind": "officers", "counts": counts})
    await session.flush()
    return imported


async def _referenced(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Created officers something refers to since (a nomination, a vetting...): undo cannot remove them."""
    owned = {EXTERNAL_IDS.name, cast(Table, ProvisioningLink.__table__).name}
    columns = [
        fk.parent
        for table in Base.metadata.sorted_tables
        if table.name not in owned
        for fk in table.foreign_keys
        if fk.column is OFFICERS.c.id
    ]
    found: set[uuid.UUID] = set()
    for part in chunks(ids):
        stmt = union_all(*[select(c.label("officer_id")).where(among(session, c, part)) for c in columns])
        found |= set(
            await session.scalars(internal(stmt, "does anything refer to officers this import created: ids only"))
        )
    return found


@paused_during
async def undo_officer_import(session: AsyncSession, *, principal: Principal, import_id: uuid.UUID) -> Import:
    authorize(principal, IMPORTS_WRITE)
    imported = await load_import(session, principal=principal, import_id=import_id, kind=ImportKind.officers)
    if imported.status is not ImportStatus.applied:
        raise Conflict(
            translatable("The import is {status}; only an applied import is undone.", status=imported.status.value),
            code="import-not-applied",
        )
    rows = await _planned_rows(session, principal, imported)
    current = await versions(session, principal=principal, ids=[r.target_id for r in rows], lock=True)
    expected = {r.target_id: 1 if r.action is A.create else r.planned_version + 1 for r in rows}
    touched = [r for r in rows if current.get(r.target_id) != expected[r.target_id]]
    creates = [r for r in rows if r.action is A.create]
    referenced = await _referenced(session, [r.target_id for r in creates])
    touched += [r for r in creates if r.target_id in referenced and r not in touched]
    moved_onto_taken = await keys_taken_on_move(session, principal=principal, moves=moves_of(rows, undo=True))
    touched += [r for r in rows if r.target_id in moved_onto_taken and r not in touched]
    if touched:
        raise Conflict(
            translatable("{count} record(s) changed since this import; nothing was undone.", count=len(touched)),
            code="touched-since",
            title="Records changed since the import",
            rows=_lines(touched)[:1000],
        )
    now = utcnow()
    changed = [r for r in rows if r.action is not A.create]
    await change_officers(session, principal=principal, changes=_changes(changed, undo=True), now=now)
    created_ids = [r.target_id for r in creates]
    await delete_officers(session, principal=principal, officer_ids=created_ids)
    imported.status, imported.undone_at = ImportStatus.undone, now
    imported.result = (imported.result or {}) | {"undone": {"restored": len(changed), "removed": len(created_ids)}}
    record_change(session, principal=principal, action="undone", entity="import", entity_id=imported.id)
    emit(
        session,
        "import.undone",
        resource_id=imported.id,
        data={"kind": "officers", "counts": imported.result["undone"]},
    )
    await session.flush()
    return imported
