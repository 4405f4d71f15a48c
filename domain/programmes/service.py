from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.policy import PLANNING_READ, PROGRAMMES_ADMIN, authorize
from domain.auth.principal import Principal
from domain.crud import create_entity, delete_entity, get_or_404, update_entity
from domain.models.programmes import Programme
from domain.pagination import Paged, paginate
from domain.programmes.schemas import ProgrammeCreate, ProgrammeUpdate
from domain.schemas import SearchText

ENTITY = "programme"


class ProgrammeFilters(BaseModel):
    q: SearchText | None = None


async def list_programmes(
    session: AsyncSession, *, principal: Principal, filters: ProgrammeFilters, limit: int, cursor: str | None
) -> Paged[Programme]:
    authorize(principal, PLANNING_READ)
    stmt = select(Programme)
    if filters.q:
        stmt = stmt.where(
            or_(
                Programme.name.icontains(filters.q, autoescape=True),
                Programme.acronym.icontains(filters.q, autoescape=True),
            )
        )
    return await paginate(session, stmt, order=(Programme.name, Programme.id), limit=limit, cursor=cursor)


async def get_programme(session: AsyncSession, *, principal: Principal, programme_id: uuid.UUID) -> Programme:
    authorize(principal, PLANNING_READ)
    return await get_or_404(session, Programme, programme_id)


async def create_programme(session: AsyncSession, *, principal: Principal, data: ProgrammeCreate) -> Programme:
    authorize(principal, PROGRAMMES_ADMIN)
    return await create_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=Programme(**data.model_dump()),
        audit_fields=list(ProgrammeCreate.model_fields),
    )


async def update_programme(
    session: AsyncSession,
    *,
    principal: Principal,
    programme_id: uuid.UUID,
    data: ProgrammeUpdate,
    expected_version: int | None,
) -> Programme:
    authorize(principal, PROGRAMMES_ADMIN)
    programme = await get_programme(session, principal=principal, programme_id=programme_id)
    return await update_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=programme,
        data=data.changes(),
        expected_version=expected_version,
    )


async def delete_programme(
    session: AsyncSession, *, principal: Principal, programme_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, PROGRAMMES_ADMIN)
    programme = await get_programme(session, principal=principal, programme_id=programme_id)
    await delete_entity(session, principal=principal, entity=ENTITY, obj=programme, expected_version=expected_version)
