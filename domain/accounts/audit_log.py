"""Reading the audit log (administrators only). The log itself is written by domain/audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.policy import AUDIT_READ, authorize
from domain.auth.principal import Principal
from domain.models.audit import AuditEntry
from domain.pagination import Paged, paginate
from domain.schemas import Instant, ReadModel, SearchText


class AuditFilters(BaseModel):
    actor_id: uuid.UUID | None = None
    actor_name: SearchText | None = None
    entity: SearchText | None = None
    entity_id: SearchText | None = None
    action: SearchText | None = None
    since: Instant | None = None
    until: Instant | None = None


class AuditEntryRead(ReadModel):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str
    action: str
    entity: str
    entity_id: str | None
    changes: dict[str, Any] | None
    row_count: int | None


async def list_audit(
    session: AsyncSession, *, principal: Principal, filters: AuditFilters, limit: int, cursor: str | None
) -> Paged[AuditEntry]:
    authorize(principal, AUDIT_READ)
    stmt = select(AuditEntry)
    for field in ("actor_id", "actor_name", "entity", "entity_id", "action"):
        value = getattr(filters, field)
        if value is not None:
            stmt = stmt.where(getattr(AuditEntry, field) == value)
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditEntry.at < filters.until)
    # Ids are time-ordered (UUIDv7), so id order is the order the entries were written.
    return await paginate(session, stmt, order=(AuditEntry.id,), limit=limit, cursor=cursor)
