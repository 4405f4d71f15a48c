"""Applying an officers import exactly as planned, in one transaction, or not at all; and undoing
it while nothing touched its records since. Writes are bulk: new rows through db.insert_rows
(an executemany on SQLite, a COPY on PostgreSQL), changes one executemany per set of changed
columns, never one ORM flush per row, so that 20,000 rows stay close to a raw insert."""

from __future__ import annotations

import functools
import uuid
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.audit.service import record_change
from domain.auth.policy import IMPORTS_WRITE, authorize
from domain.auth.principal import Principal
from domain.collector import paused_during
from domain.db import Base, among, insert_rows, internal, utcnow
from domain.errors import Conflict
from domain.events.outbox import emit, emit_many
from domain.i18n import translatable
from domain.imports.models import Import, ImportKind, ImportRow, ImportStatus, RowAction
from domain.imports.officers import moves_of
from domain.imports.store import audit_many, chunks, load_import, rows_seen, versions
from domain.officers.agencies import agencies_of
from domain.officers.duplicates import keys_taken_on_move
from domain.officers.models import Officer, OfficerExternalId, ProvisioningLink, Sex
from domain.officers.names import arabic_key, latin_key

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


NO_NAME_PARTS: dict[str, Any] = {}  # one object for every new officer: bound once (db.insert_rows)


def _new_officer(row: Any, now: Any) -> dict[str, Any]:
    values = {f: _column_value(f, v) for f, v in row.values.items()}
    return {
        "rank": None,
        "job_title": None,
        "email": None,
        "language": None,
        "phone": None,
        "national_id": None,
        "date_of_birth": None,
        "place_of_birth": None,
        **values,
        "id": row.target_id,
        "name_parts": NO_NAME_PARTS,
        "erased_at": None,
        "deactivated_at": None,
        "user_name": None,
        "user_name_key": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "full_name_ar_key": arabic_key(values["full_name_ar"]),
        "name_latin_key": latin_key(values["name_latin"]),
    }


async def _set_fields(session: AsyncSession, rows: list[Any], now: Any, *, undo: bool = False) -> None:
    """UPDATE officers in bulk, one executemany per set of changed columns; each row's version
    moves on by one (the rows are locked and were checked against it)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        params: dict[str, Any] = {}
        for name, (before, after) in (row.changes or {}).items():
            value = before if undo else after
            if name == "active":
                params["deactivated_at"] = None if value else now
            else:
                params[name] = _column_value(name, value)
        if "full_name_ar" in params:
            params["full_name_ar_key"] = arabic_key(params["full_name_ar"])
        if "name_latin" in params:
            params["name_latin_key"] = latin_key(params["name_latin"])
        columns = tuple(sorted(params))
        groups.setdefault(columns, []).append(
            params | {"b_id": row.target_id, "b_version": row.planned_version + (2 if undo else 1)}
        )
    for columns, grouped in groups.items():
        stmt = (
            update(OFFICERS)
            .where(OFFICERS.c.id == bindparam("b_id"))
            .values({n: bindparam(n) for n in columns} | {"version": bindparam("b_version"), "updated_at": now})
        )
        for batch in chunks(grouped):
            await session.execute(stmt, list(batch))


def _audited(rows: list[Any], *, undo: bool = False) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    out = []
    for r in rows:
        changes = r.changes or {}
        out.append((r.target_id, {f: ((a, b) if undo else (b, a)) for f, (b, a) in changes.items()}))
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
    creates = [r for r in rows if r.action is A.create]
    officers = [_new_officer(r, now) for r in creates]
    await insert_rows(session, OFFICERS, officers)
    if imported.options["key"] == "external_id":
        source = imported.options["source"]
        await insert_rows(
            session,
            EXTERNAL_IDS,
            [
                {
                    "id": uuid.uuid4(),
                    "officer_id": r.target_id,
                    "agency_id": _agency_id(r.values["agency_id"]),
                    "source": source,
                    "external_id": r.key,
                }
                for r in creates
            ],
        )
    changed = [r for r in rows if r.action is not A.create]
    await _set_fields(session, changed, now)
    await audit_many(
        session,
        principal=principal,
        action="created",
        entity="officer",
        changes=[(r.target_id, {k: (None, v) for k, v in r.values.items()}) for r in creates],
        json_safe=True,
    )
    await audit_many(
        session, principal=principal, action="updated", entity="officer", changes=_audited(changed), json_safe=True
    )
    await _emit_officers(session, creates, changed)
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
    await _set_fields(session, changed, now, undo=True)
    created_ids = [r.target_id for r in creates]
    created_agency = await agencies_of(session, created_ids)
    for part in chunks(created_ids):
        await session.execute(delete(EXTERNAL_IDS).where(among(session, EXTERNAL_IDS.c.officer_id, part)))
        await session.execute(delete(OFFICERS).where(among(session, OFFICERS.c.id, part)))
    await audit_many(
        session,
        principal=principal,
        action="updated",
        entity="officer",
        changes=_audited(changed, undo=True),
        json_safe=True,
    )
    await audit_many(
        session, principal=principal, action="deleted", entity="officer", changes=[(i, {}) for i in created_ids]
    )
    await _emit_officers(session, [], changed, undo=True)
    await emit_many(
        session,
        "officer.deleted",
        [
            {
                "resource_id": r.target_id,
                "officer_id": r.target_id,
                "agency_id": created_agency.get(r.target_id),
                "data": {"agency_id": created_agency.get(r.target_id)},
            }
            for r in creates
        ],
    )
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


async def _emit_officers(session: AsyncSession, creates: list[Any], changed: list[Any], undo: bool = False) -> None:
    """The officer events of an import, in bulk: one per officer created, changed or deactivated
    (an undo reports the restored officers as updated)."""
    agencies = await agencies_of(session, [r.target_id for r in changed])
    agencies |= {r.target_id: _agency_id(r.values["agency_id"]) for r in creates}  # as just inserted

    def item(r: Any, **data: Any) -> dict[str, Any]:
        return {
            "resource_id": r.target_id,
            "officer_id": r.target_id,
            "agency_id": agencies.get(r.target_id),
            "data": {"agency_id": agencies.get(r.target_id), **data},
        }

    await emit_many(session, "officer.created", [item(r, active=True) for r in creates])
    deactivated = [r for r in changed if r.action is A.deactivate and not undo]
    await emit_many(session, "officer.deactivated", [item(r, active=False, changed=["active"]) for r in deactivated])
    await emit_many(
        session, "officer.updated", [item(r, changed=_fields_of(r)) for r in changed if r not in deactivated]
    )


def _fields_of(row: Any) -> list[str]:
    fields = {"active" if f in ("deactivated_at", "active") else f for f in (row.changes or {})}
    return sorted(f for f in fields if not f.endswith("_key"))
