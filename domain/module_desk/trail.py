"""A module's audit trail: the changes to the module itself (status, quotas, waitlist order), to its
sessions, and to the nominations, vettings and certificates of its participants that the reader
may see, newest first. For those who plan the module (a coordinator of its programme, an
administrator): the whole audit log stays for administrators (GET /api/v1/audit)."""

from __future__ import annotations

import uuid

from sqlalchemy import Label, and_, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.teaching import module_for
from domain.accounts.audit_log import AuditEntryRead
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.models.audit import AuditEntry
from domain.models.catalogue import TrainingSession
from domain.models.certificates import Certificate
from domain.models.enrolment import Nomination
from domain.models.vetting import Vetting
from domain.pagination import Paged, decode_cursor, encode_cursor

PAGE = 20


async def _ids(session: AsyncSession, principal: Principal, module_id: uuid.UUID) -> dict[str, list[str]]:
    """The module's records whose changes belong to its trail, by audit entity (one statement)."""
    parts = (
        select(TrainingSession.id, literal_entity("session")).where(TrainingSession.module_id == module_id),
        select(Nomination.id, literal_entity("nomination")).where(
            Nomination.module_id == module_id, need_to_know.nominations(principal)
        ),
        select(Certificate.id, literal_entity("certificate")).where(
            Certificate.module_id == module_id, need_to_know.certificates(principal)
        ),
        select(Vetting.id, literal_entity("vetting")).where(
            Vetting.module_id == module_id, need_to_know.officer_rows(principal, Vetting.officer_id)
        ),
    )
    found: dict[str, list[str]] = {"module": [str(module_id)]}
    for record_id, entity in await session.execute(parts[0].union_all(*parts[1:])):
        found.setdefault(entity, []).append(str(record_id))
    return found


def literal_entity(name: str) -> Label[str]:
    return literal(name).label("entity")


async def module_trail(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, limit: int, cursor: str | None
) -> Paged[AuditEntryRead]:
    authorize(principal, PLANNING_WRITE)
    await module_for(session, principal, module_id, write=False)  # another programme's: a 404
    ids = await _ids(session, principal, module_id)
    stmt = select(AuditEntry).where(
        AuditEntry.action != "read",
        or_(*(and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(values)) for entity, values in ids.items())),
    )
    order = (AuditEntry.id,)
    if cursor:
        stmt = stmt.where(tuple_(*order) < tuple_(*decode_cursor(cursor, order)))
    rows = list(await session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit + 1)))
    items = [AuditEntryRead.model_validate(e) for e in rows[:limit]]
    return items, encode_cursor([items[-1].id]) if len(rows) > limit else None
