"""Services for the catalogue's reference records: disciplines, venues and trainers."""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, TRAINERS_READ, authorize
from domain.auth.principal import Principal
from domain.catalogue.schemas import DisciplineCreate, TrainerCreate, TrainerUpdate, VenueCreate, VenueUpdate
from domain.crud import create_entity, delete_entity, flush_or_conflict, get_or_404, snapshot, update_entity
from domain.errors import Conflict, NotFound
from domain.i18n import translatable
from domain.models.catalogue import Discipline, Trainer, Venue
from domain.pagination import Paged, paginate
from domain.schemas import SearchText


async def list_disciplines(session: AsyncSession, *, principal: Principal) -> list[Discipline]:
    authorize(principal, PLANNING_READ)
    return list(await session.scalars(select(Discipline).order_by(Discipline.code)))


async def create_discipline(session: AsyncSession, *, principal: Principal, data: DisciplineCreate) -> Discipline:
    authorize(principal, PLANNING_WRITE)
    if await session.get(Discipline, data.code) is not None:
        raise Conflict(translatable("The discipline {code!r} already exists.", code=data.code), code="unique-conflict")
    discipline = Discipline(**data.model_dump())
    session.add(discipline)
    await flush_or_conflict(session, "The discipline")
    record_change(
        session,
        principal=principal,
        action="created",
        entity="discipline",
        entity_id=discipline.code,
        changes=snapshot(discipline, list(DisciplineCreate.model_fields)),
    )
    return discipline


async def delete_discipline(session: AsyncSession, *, principal: Principal, code: str) -> None:
    authorize(principal, PLANNING_WRITE)
    discipline = await session.get(Discipline, code)
    if discipline is None:
        raise NotFound(translatable("No discipline with code {code!r}.", code=code))
    await delete_entity(session, principal=principal, entity="discipline", obj=discipline, expected_version=None)


class VenueFilters(BaseModel):
    city: SearchText | None = None
    q: SearchText | None = None


async def list_venues(
    session: AsyncSession, *, principal: Principal, filters: VenueFilters, limit: int, cursor: str | None
) -> Paged[Venue]:
    authorize(principal, PLANNING_READ)
    stmt = select(Venue)
    if filters.city:
        stmt = stmt.where(Venue.city.ilike(filters.city))
    if filters.q:
        stmt = stmt.where(or_(Venue.name.ilike(f"%{filters.q}%"), Venue.city.ilike(f"%{filters.q}%")))
    return await paginate(session, stmt, order=(Venue.name, Venue.id), limit=limit, cursor=cursor)


async def get_venue(session: AsyncSession, *, principal: Principal, venue_id: uuid.UUID) -> Venue:
    authorize(principal, PLANNING_READ)
    return await get_or_404(session, Venue, venue_id)


async def create_venue(session: AsyncSession, *, principal: Principal, data: VenueCreate) -> Venue:
    authorize(principal, PLANNING_WRITE)
    return await create_entity(
        session,
        principal=principal,
        entity="venue",
        obj=Venue(**data.model_dump()),
        audit_fields=list(VenueCreate.model_fields),
    )


async def update_venue(
    session: AsyncSession, *, principal: Principal, venue_id: uuid.UUID, data: VenueUpdate, expected_version: int | None
) -> Venue:
    authorize(principal, PLANNING_WRITE)
    venue = await get_venue(session, principal=principal, venue_id=venue_id)
    return await update_entity(
        session, principal=principal, entity="venue", obj=venue, data=data.changes(), expected_version=expected_version
    )


async def delete_venue(
    session: AsyncSession, *, principal: Principal, venue_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, PLANNING_WRITE)
    venue = await get_venue(session, principal=principal, venue_id=venue_id)
    await delete_entity(session, principal=principal, entity="venue", obj=venue, expected_version=expected_version)


class TrainerFilters(BaseModel):
    organisation: SearchText | None = None
    q: SearchText | None = None


async def list_trainers(
    session: AsyncSession, *, principal: Principal, filters: TrainerFilters, limit: int, cursor: str | None
) -> Paged[Trainer]:
    authorize(principal, TRAINERS_READ)
    stmt = select(Trainer)
    if filters.organisation:
        stmt = stmt.where(Trainer.organisation.ilike(filters.organisation))
    if filters.q:
        stmt = stmt.where(or_(Trainer.name.ilike(f"%{filters.q}%"), Trainer.organisation.ilike(f"%{filters.q}%")))
    return await paginate(session, stmt, order=(Trainer.name, Trainer.id), limit=limit, cursor=cursor)


async def get_trainer(session: AsyncSession, *, principal: Principal, trainer_id: uuid.UUID) -> Trainer:
    authorize(principal, TRAINERS_READ)
    return await get_or_404(session, Trainer, trainer_id)


async def create_trainer(session: AsyncSession, *, principal: Principal, data: TrainerCreate) -> Trainer:
    authorize(principal, PLANNING_WRITE)
    return await create_entity(
        session,
        principal=principal,
        entity="trainer",
        obj=Trainer(**data.model_dump()),
        audit_fields=list(TrainerCreate.model_fields),
    )


async def update_trainer(
    session: AsyncSession,
    *,
    principal: Principal,
    trainer_id: uuid.UUID,
    data: TrainerUpdate,
    expected_version: int | None,
) -> Trainer:
    authorize(principal, PLANNING_WRITE)
    trainer = await get_trainer(session, principal=principal, trainer_id=trainer_id)
    return await update_entity(
        session,
        principal=principal,
        entity="trainer",
        obj=trainer,
        data=data.changes(),
        expected_version=expected_version,
    )


async def delete_trainer(
    session: AsyncSession, *, principal: Principal, trainer_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, PLANNING_WRITE)
    trainer = await get_trainer(session, principal=principal, trainer_id=trainer_id)
    await delete_entity(session, principal=principal, entity="trainer", obj=trainer, expected_version=expected_version)
