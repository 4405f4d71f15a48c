from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.plans import authorize_programme
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import create_entity, delete_entity, ensure_exists, get_or_404, update_entity
from domain.cycles.schemas import CycleCreate, CycleUpdate
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.models.cycles import Cycle
from domain.models.programmes import Programme
from domain.pagination import Paged, paginate
from domain.schemas import Day, SearchText

ENTITY = "cycle"


class CycleFilters(BaseModel):
    programme_id: uuid.UUID | None = None
    partner_country: SearchText | None = None
    active_on: Day | None = None
    q: SearchText | None = None


async def list_cycles(
    session: AsyncSession, *, principal: Principal, filters: CycleFilters, limit: int, cursor: str | None
) -> Paged[Cycle]:
    authorize(principal, PLANNING_READ)
    stmt = select(Cycle)
    if filters.programme_id:
        stmt = stmt.where(Cycle.programme_id == filters.programme_id)
    if filters.partner_country:
        stmt = stmt.where(Cycle.partner_country == filters.partner_country.upper())
    if filters.active_on:
        stmt = stmt.where(Cycle.starts_on <= filters.active_on, Cycle.ends_on >= filters.active_on)
    if filters.q:
        stmt = stmt.where(Cycle.title.icontains(filters.q, autoescape=True))
    return await paginate(session, stmt, order=(Cycle.starts_on, Cycle.id), limit=limit, cursor=cursor)


async def get_cycle(session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    authorize(principal, PLANNING_READ)
    return await get_or_404(session, Cycle, cycle_id)


async def create_cycle(session: AsyncSession, *, principal: Principal, data: CycleCreate) -> Cycle:
    authorize(principal, PLANNING_WRITE)
    await authorize_programme(session, principal, programme_id=data.programme_id)
    await ensure_exists(session, Programme, data.programme_id, field="programme_id")
    return await create_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=Cycle(**_columns(data, data.model_dump())),
        audit_fields=list(CycleCreate.model_fields),
    )


def _columns(data: CycleCreate | CycleUpdate, fields: dict[str, Any]) -> dict[str, Any]:
    """Holidays go into a JSON column: store their dates as ISO text."""
    if fields.get("holidays") is not None and data.holidays is not None:
        fields["holidays"] = [h.model_dump(mode="json") for h in data.holidays]
    return fields


async def update_cycle(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, data: CycleUpdate, expected_version: int | None
) -> Cycle:
    authorize(principal, PLANNING_WRITE)
    cycle = await get_cycle(session, principal=principal, cycle_id=cycle_id)
    await authorize_programme(session, principal, programme_id=cycle.programme_id)
    changes = _columns(data, data.changes())
    await ensure_exists(session, Programme, changes.get("programme_id"), field="programme_id")
    if changes.get("programme_id"):
        await authorize_programme(session, principal, programme_id=changes["programme_id"])
    if changes.get("starts_on", cycle.starts_on) > changes.get("ends_on", cycle.ends_on):
        raise InvalidInput(
            translatable("The cycle would end before it starts."),
            errors=[{"field": "ends_on", "message": "ends_on is before starts_on"}],
        )
    return await update_entity(
        session, principal=principal, entity=ENTITY, obj=cycle, data=changes, expected_version=expected_version
    )


async def delete_cycle(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, PLANNING_WRITE)
    cycle = await get_cycle(session, principal=principal, cycle_id=cycle_id)
    await authorize_programme(session, principal, programme_id=cycle.programme_id)
    await delete_entity(session, principal=principal, entity=ENTITY, obj=cycle, expected_version=expected_version)
