"""Supervisors, named per participation by the focal point of the participant's agency (or by
those who plan the module, or an administrator), to be asked the supervisors' follow-up. A
nomination the caller may not see is a 404 (domain/access: nominations); every write audited."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import nominations
from domain.audit.service import record_change
from domain.auth.policy import NOMINATIONS_READ, NOMINATIONS_WRITE, authorize
from domain.auth.principal import Principal
from domain.errors import Conflict, NotFound
from domain.i18n import translatable
from domain.models.enrolment import ON_ROSTER, Nomination
from domain.models.surveys import Supervisor
from domain.surveys.schemas import SupervisorWrite

ENTITY = "supervisor"


async def _nomination(session: AsyncSession, principal: Principal, nomination_id: uuid.UUID) -> Nomination:
    nomination = await session.scalar(select(Nomination).where(Nomination.id == nomination_id, nominations(principal)))
    if nomination is None:
        raise NotFound(translatable("No such nomination."), code="not-found", title="Not found")
    return nomination


async def _supervisor(session: AsyncSession, principal: Principal, nomination_id: uuid.UUID) -> Supervisor | None:
    return await session.scalar(
        select(Supervisor)
        .join(Nomination, Nomination.id == Supervisor.nomination_id)
        .where(Supervisor.nomination_id == nomination_id, nominations(principal))
    )


async def get_supervisor(session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID) -> Supervisor:
    authorize(principal, NOMINATIONS_READ)
    supervisor = await _supervisor(session, principal, nomination_id)
    if supervisor is None:
        raise NotFound(
            translatable("No supervisor is named for this participation."), code="not-found", title="Not found"
        )
    return supervisor


async def name_supervisor(
    session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID, data: SupervisorWrite
) -> Supervisor:
    authorize(principal, NOMINATIONS_WRITE)
    nomination = await _nomination(session, principal, nomination_id)
    if nomination.status not in ON_ROSTER:
        raise Conflict(
            translatable("Supervisors are named for participants on the roster."),
            code="not-on-roster",
            title="Not on the roster",
        )
    supervisor = await _supervisor(session, principal, nomination_id)
    values = {"name": data.name, "email": data.email, "language": data.language}
    if supervisor is None:
        supervisor = Supervisor(nomination_id=nomination_id, named_by=principal.name, **values)
        session.add(supervisor)
        changes = {k: (None, v) for k, v in values.items()}
        action = "created"
    else:
        changes = {k: (getattr(supervisor, k), v) for k, v in values.items() if getattr(supervisor, k) != v}
        for k, v in values.items():
            setattr(supervisor, k, v)
        supervisor.named_by = principal.name
        action = "updated"
    await session.flush()
    if changes:
        record_change(
            session, principal=principal, action=action, entity=ENTITY, entity_id=supervisor.id, changes=changes
        )
    return supervisor


async def remove_supervisor(session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID) -> None:
    authorize(principal, NOMINATIONS_WRITE)
    supervisor = await get_supervisor(session, principal=principal, nomination_id=nomination_id)
    await session.delete(supervisor)
    await session.flush()
    record_change(session, principal=principal, action="deleted", entity=ENTITY, entity_id=supervisor.id)
