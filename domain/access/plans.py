"""Who plans and decides for which programme: administrators for all, coordinators only for the
programmes they are assigned to (anything else of theirs is a 403 naming the assignment; the
participations of other programmes' modules do not exist for them: a 404)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Principal, Role
from domain.errors import Forbidden
from domain.i18n import translatable
from domain.models.catalogue import Module, TrainingSession
from domain.models.cycles import Cycle


def planned_modules(principal: Principal, module_id: Any) -> ColumnElement[bool]:
    """A condition on a module id column: for a coordinator, the modules of the programmes they
    plan (the only ones whose participations they see); for everyone else, no narrowing here."""
    if principal.role is not Role.coordinator:
        return true()
    planned = select(Module.id).join(Cycle, Cycle.id == Module.cycle_id)
    condition: ColumnElement[bool] = module_id.in_(planned.where(Cycle.programme_id.in_(principal.programme_ids)))
    return condition


def manages_programme(principal: Principal, programme_id: uuid.UUID | None) -> bool:
    if principal.role is Role.admin:
        return True
    return principal.role is Role.coordinator and programme_id in principal.programme_ids


async def programme_of(
    session: AsyncSession,
    *,
    cycle_id: uuid.UUID | None = None,
    module_id: uuid.UUID | None = None,
    session_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """The programme a cycle, module or session belongs to (one query)."""
    stmt = select(Cycle.programme_id)
    if cycle_id is not None:
        stmt = stmt.where(Cycle.id == cycle_id)
    elif module_id is not None:
        stmt = stmt.join(Module, Module.cycle_id == Cycle.id).where(Module.id == module_id)
    else:
        stmt = stmt.join(Module, Module.cycle_id == Cycle.id).join(
            TrainingSession, TrainingSession.module_id == Module.id
        )
        stmt = stmt.where(TrainingSession.id == session_id)
    return await session.scalar(stmt)


async def authorize_programme(
    session: AsyncSession,
    principal: Principal,
    *,
    programme_id: uuid.UUID | None = None,
    cycle_id: uuid.UUID | None = None,
    module_id: uuid.UUID | None = None,
    session_id: uuid.UUID | None = None,
) -> None:
    """Coordinators plan and decide only for the programmes they are assigned to."""
    if principal.role is Role.admin:
        return
    if programme_id is None:
        programme_id = await programme_of(session, cycle_id=cycle_id, module_id=module_id, session_id=session_id)
    if programme_id is not None and not manages_programme(principal, programme_id):
        raise Forbidden(
            translatable("This belongs to a programme you are not assigned to."), needed="programme assignment"
        )
