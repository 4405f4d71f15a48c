"""Reading imports: one import with its rows, and its per-row report as table rows."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from domain import collector
from domain.auth.policy import IMPORTS_WRITE, authorize
from domain.auth.principal import Principal
from domain.imports.schemas import ImportRead, ImportRowRead
from domain.imports.store import load_import, rows_of
from domain.models.imports import ImportKind

ROWS = TypeAdapter(list[ImportRowRead])  # one pass of the schema for all the rows
REPORT_COLUMNS = [
    ("line", "Line"),
    ("action", "Action"),
    ("officer_id", "Officer id"),
    ("key", "Key"),
    ("changes", "Changes (before -> after)"),
    ("problems", "Problems (column: rule: message)"),
    ("candidates", "Possible duplicates / details"),
]


async def get_import(
    session: AsyncSession,
    *,
    principal: Principal,
    import_id: uuid.UUID,
    kind: ImportKind,
    module_id: uuid.UUID | None = None,
) -> ImportRead:
    authorize(principal, IMPORTS_WRITE)
    imported = await load_import(session, principal=principal, import_id=import_id, kind=kind, module_id=module_id)
    return with_rows(imported, await rows_of(session, principal, imported.id))


def with_rows(imported: Any, rows: list[Any]) -> ImportRead:
    """The import and its rows (stored rows, or the plan's rows as planned)."""
    read = ImportRead.model_validate(imported)
    with collector.paused():  # tens of thousands of rows: domain/collector.py
        read.rows = ROWS.validate_python(rows)
    return read


def report_rows(read: ImportRead) -> list[dict[str, Any]]:
    """The per-row report, flattened for CSV / XLSX."""
    out = []
    for row in read.rows:
        out.append(
            {
                "line": row.line,
                "action": row.action.value,
                "officer_id": str(row.officer_id) if row.officer_id else None,
                "key": row.key,
                "changes": "; ".join(f"{f}: {b} -> {a}" for f, (b, a) in (row.changes or {}).items()) or None,
                "problems": "; ".join(f"{p.column}: {p.rule}: {p.message}" for p in row.problems or []) or None,
                "candidates": "; ".join(str(c.get("id") or f"line {c.get('line')}") for c in row.candidates or [])
                or None,
            }
        )
    return out
