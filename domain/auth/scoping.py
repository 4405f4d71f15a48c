"""Row-level need-to-know, as SQL conditions the services add to their queries.

- focal point: officers of their agency unit and its sub-units;
- coordinator: officers of agencies in the partner countries of their programmes' cycles;
  plans of their programmes only (for writes);
- admin and machine clients (within their scopes): everything;
- trainer and observer: no officer records (trainers see rosters of their sessions)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.agencies.models import Agency
from domain.auth.principal import Principal, Role
from domain.catalogue.models import Module, TrainingSession
from domain.cycles.models import Cycle
from domain.errors import Forbidden
from domain.officers.models import Officer


def visible_agencies(principal: Principal):
    """A subquery of the agency ids whose people the principal may see, or None for all."""
    if principal.role in (Role.admin, Role.client):
        return None
    if principal.role is Role.focal_point and principal.agency_id is not None:
        root_path = select(Agency.path).where(Agency.id == principal.agency_id).scalar_subquery()
        return select(Agency.id).where(Agency.path.startswith(root_path))
    if principal.role is Role.coordinator:
        countries = select(Cycle.partner_country).where(Cycle.programme_id.in_(principal.programme_ids))
        return select(Agency.id).where(Agency.country.in_(countries))
    return select(Agency.id).where(false())


def officer_visible(principal: Principal) -> ColumnElement[bool]:
    agencies = visible_agencies(principal)
    return true() if agencies is None else Officer.agency_id.in_(agencies)


async def can_see_agency(session: AsyncSession, principal: Principal, agency_id: uuid.UUID) -> bool:
    agencies = visible_agencies(principal)
    if agencies is None:
        return True
    return await session.scalar(select(Agency.id).where(Agency.id == agency_id, Agency.id.in_(agencies))) is not None


def manages_programme(principal: Principal, programme_id: uuid.UUID | None) -> bool:
    if principal.role is Role.admin:
        return True
    return principal.role is Role.coordinator and programme_id in principal.programme_ids


async def programme_of(session: AsyncSession, *, cycle_id=None, module_id=None, session_id=None) -> uuid.UUID | None:
    """The programme a cycle, module or session belongs to (one query)."""
    stmt = select(Cycle.programme_id)
    if cycle_id is not None:
        stmt = stmt.where(Cycle.id == cycle_id)
    elif module_id is not None:
        stmt = stmt.join(Module, Module.cycle_id == Cycle.id).where(Module.id == module_id)
    else:
        stmt = stmt.join(Module, Module.cycle_id == Cycle.id).join(TrainingSession, TrainingSession.module_id == Module.id)
        stmt = stmt.where(TrainingSession.id == session_id)
    return await session.scalar(stmt)


async def authorize_programme(session: AsyncSession, principal: Principal, **ref) -> None:
    """Coordinators plan and decide only for the programmes they are assigned to."""
    if principal.role is Role.admin:
        return
    programme_id = ref.get("programme_id") or await programme_of(session, **ref)
    if programme_id is not None and not manages_programme(principal, programme_id):
        raise Forbidden("This belongs to a programme you are not assigned to.", needed="programme assignment")
