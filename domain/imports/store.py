"""What plan, apply and undo share: loading an import (who may see one is decided in
domain/access), storing its rows in bulk, reading officers' versions (locked for apply and
undo). Auditing many changes at once is the ledger's (domain/audit/service.py: audit_many)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.db import among, insert_rows
from domain.errors import NotFound
from domain.i18n import translatable
from domain.ids import uuid7
from domain.models.imports import Import, ImportKind, ImportRow
from domain.models.officers import Officer

CHUNK = 5000  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def load_import(
    session: AsyncSession,
    *,
    principal: Principal,
    import_id: uuid.UUID,
    kind: ImportKind,
    module_id: uuid.UUID | None = None,
) -> Import:
    """The import, if the principal may see it (need_to_know.imports_seen); else a 404."""
    stmt = select(Import).where(
        Import.id == import_id, Import.kind == kind, need_to_know.imports_seen(principal, Import.created_by_id)
    )
    if module_id is not None:
        stmt = stmt.where(Import.module_id == module_id)
    found = (await session.scalars(stmt)).first()
    if found is None:
        raise NotFound(translatable("No import with id {id}.", id=import_id), entity="imports", id=str(import_id))
    return found


def rows_seen(principal: Principal) -> ColumnElement[bool]:
    """The planned rows of the imports the principal may see (a condition on ImportRow)."""
    return ImportRow.import_id.in_(select(Import.id).where(need_to_know.imports_seen(principal, Import.created_by_id)))


async def rows_of(session: AsyncSession, principal: Principal, import_id: uuid.UUID) -> list[ImportRow]:
    stmt = (
        select(ImportRow)
        .where(ImportRow.import_id == import_id, rows_seen(principal))
        .order_by(ImportRow.line.is_(None), ImportRow.line, ImportRow.target_id)
    )
    return list(await session.scalars(stmt))


async def store_rows(session: AsyncSession, import_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    await insert_rows(
        session, cast(Table, ImportRow.__table__), [{"id": uuid7(), "import_id": import_id, **row} for row in rows]
    )


async def save_plan(
    session: AsyncSession, *, principal: Principal, imported: Import, rows: list[dict[str, Any]]
) -> None:
    """Store a planned import with its rows, audited; nothing it plans is written yet."""
    session.add(imported)
    await session.flush()
    await store_rows(session, imported.id, rows)
    record_change(
        session,
        principal=principal,
        action="planned",
        entity="import",
        entity_id=imported.id,
        changes={"counts": (None, imported.counts)},
    )


async def versions(
    session: AsyncSession, *, principal: Principal, ids: Iterable[uuid.UUID], lock: bool
) -> dict[uuid.UUID, int]:
    """The current version of each officer the principal may see (locked for the transaction on
    PostgreSQL; SQLite has one writer at a time)."""
    found: dict[uuid.UUID, int] = {}
    for part in chunks(list(ids)):
        stmt = select(Officer.id, Officer.version).where(
            among(session, Officer.id, part), need_to_know.officers(principal)
        )
        if lock:
            stmt = stmt.with_for_update()
        found.update({officer_id: version for officer_id, version in await session.execute(stmt)})
    return found
