from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.agencies.schemas import AgencyCreate, AgencyUpdate
from domain.agencies.tree import in_subtree, subtree_path
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import create_entity, delete_entity, get_or_404, update_entity
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.ids import uuid7
from domain.models.agencies import Agency, AgencyKind
from domain.pagination import Paged, paginate
from domain.schemas import SearchText

ENTITY = "agency"


class AgencyFilters(BaseModel):
    parent_id: uuid.UUID | None = None
    within: uuid.UUID | None = None
    kind: AgencyKind | None = None
    country: SearchText | None = None
    q: SearchText | None = None


async def list_agencies(
    session: AsyncSession, *, principal: Principal, filters: AgencyFilters, limit: int, cursor: str | None
) -> Paged[Agency]:
    authorize(principal, PLANNING_READ)
    stmt = select(Agency)
    if filters.parent_id:
        stmt = stmt.where(Agency.parent_id == filters.parent_id)
    if filters.within:
        stmt = stmt.where(in_subtree(Agency.path, await subtree_path(session, filters.within)))
    if filters.kind:
        stmt = stmt.where(Agency.kind == filters.kind)
    if filters.country:
        stmt = stmt.where(Agency.country == filters.country.upper())
    if filters.q:
        stmt = stmt.where(
            or_(
                Agency.name_en.icontains(filters.q, autoescape=True),
                Agency.name_ar.contains(filters.q, autoescape=True),
                Agency.acronym.icontains(filters.q, autoescape=True),
            )
        )
    return await paginate(session, stmt, order=(Agency.name_en, Agency.id), limit=limit, cursor=cursor)


async def get_agency(session: AsyncSession, *, principal: Principal, agency_id: uuid.UUID) -> Agency:
    authorize(principal, PLANNING_READ)
    return await get_or_404(session, Agency, agency_id)


async def _parent_path(session: AsyncSession, parent_id: uuid.UUID | None) -> str:
    if parent_id is None:
        return "/"
    path = await session.scalar(select(Agency.path).where(Agency.id == parent_id))
    if path is None:
        raise InvalidInput(
            translatable("parent_id refers to no existing agency."),
            errors=[{"field": "parent_id", "message": f"unknown agency {parent_id}"}],
        )
    return path


async def create_agency(session: AsyncSession, *, principal: Principal, data: AgencyCreate) -> Agency:
    authorize(principal, PLANNING_WRITE)
    agency_id = uuid7()
    path = f"{await _parent_path(session, data.parent_id)}{agency_id}/"
    agency = Agency(id=agency_id, path=path, **data.model_dump())
    return await create_entity(
        session, principal=principal, entity=ENTITY, obj=agency, audit_fields=list(AgencyCreate.model_fields)
    )


async def update_agency(
    session: AsyncSession,
    *,
    principal: Principal,
    agency_id: uuid.UUID,
    data: AgencyUpdate,
    expected_version: int | None,
) -> Agency:
    authorize(principal, PLANNING_WRITE)
    agency = await get_agency(session, principal=principal, agency_id=agency_id)
    changes = data.changes()
    if "parent_id" in changes and changes["parent_id"] != agency.parent_id:
        parent_path = await _parent_path(session, changes["parent_id"])
        new_prefix = f"{parent_path}{agency.id}/"
        if parent_path.startswith(agency.path):  # the new parent is the agency itself or one of its sub-units
            raise InvalidInput(
                translatable("An agency cannot be moved under itself or one of its sub-units."),
                errors=[{"field": "parent_id", "message": "would create a cycle in the hierarchy"}],
            )
        old_prefix = agency.path
        await update_entity(
            session, principal=principal, entity=ENTITY, obj=agency, data=changes, expected_version=expected_version
        )
        # Re-root the whole subtree in one statement.
        await session.execute(
            update(Agency)
            .where(in_subtree(Agency.path, old_prefix))
            .values(path=new_prefix + func.substr(Agency.path, len(old_prefix) + 1))
            .execution_options(synchronize_session=False)
        )
        await session.refresh(agency)
        return agency
    return await update_entity(
        session, principal=principal, entity=ENTITY, obj=agency, data=changes, expected_version=expected_version
    )


async def delete_agency(
    session: AsyncSession, *, principal: Principal, agency_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, PLANNING_WRITE)
    agency = await get_agency(session, principal=principal, agency_id=agency_id)
    await delete_entity(session, principal=principal, entity=ENTITY, obj=agency, expected_version=expected_version)
