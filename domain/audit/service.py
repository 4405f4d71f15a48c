"""The ledger: one audit row per write, in the caller's transaction (the services emit the
domain events of the catalogue beside it: domain/outbox/service.py).

Part of the kernel: every area's services (and the crud helpers) record through here, so it
imports no area; whoever acts is anything with an id and a name (a Principal)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, cast

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import insert_rows, utcnow, write_after_reads
from domain.ids import uuid7
from domain.models.audit import AuditEntry


class Actor(Protocol):
    @property
    def id(self) -> uuid.UUID | None: ...

    @property
    def name(self) -> str: ...


def plain(value: Any) -> Any:
    """JSON-safe form of a column value, for audit and events."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def record_change(
    session: AsyncSession,
    *,
    principal: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    changes: dict[str, tuple[Any, Any]] | None = None,
    redact: bool = False,
) -> None:
    """`changes` maps field -> (before, after). With `redact`, only field names are kept:
    used for erasure, where the audit records that values changed, not what they were."""
    diff = None
    if changes is not None:
        diff = {
            f: ({"redacted": True} if redact else {"before": plain(b), "after": plain(a)})
            for f, (b, a) in changes.items()
        }
    session.add(
        AuditEntry(
            actor_id=principal.id,
            actor_name=principal.name,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes=diff,
        )
    )


def record_read(
    session: AsyncSession, *, principal: Actor, entity: str, filters: dict[str, Any], row_count: int
) -> None:
    """Access to personal data is logged (who, which filter, how many rows). The entry is
    written when the request's reads are done, before the answer leaves (write_after_reads)."""
    write_after_reads(
        session,
        AuditEntry(
            actor_id=principal.id,
            actor_name=principal.name,
            action="read",
            entity=entity,
            entity_id=None,
            changes={"filter": plain({k: v for k, v in filters.items() if v is not None})},
            row_count=row_count,
        ),
    )


async def audit_many(
    session: AsyncSession,
    *,
    principal: Actor,
    action: str,
    entity: str,
    changes: list[tuple[uuid.UUID, dict[str, Any]]],
    json_safe: bool = False,
) -> None:
    """One audit entry per record, as record_change writes them, in bulk.
    `changes` holds (id, {field: (before, after)}); `json_safe` values (planned rows) skip plain()."""
    if not changes:
        return
    now = utcnow()
    audit = []
    for entity_id, diff in changes:
        if json_safe:
            fields = {f: {"before": b, "after": a} for f, (b, a) in diff.items()}
        else:
            fields = {f: {"before": plain(b), "after": plain(a)} for f, (b, a) in diff.items()}
        audit.append(
            {
                "id": uuid7(),
                "at": now,
                "actor_id": principal.id,
                "actor_name": principal.name,
                "action": action,
                "entity": entity,
                "entity_id": str(entity_id),
                "changes": fields,
                "row_count": None,
            }
        )
    await insert_rows(session, cast(Table, AuditEntry.__table__), audit)
