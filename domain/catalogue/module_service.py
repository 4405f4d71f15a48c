from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Row, bindparam, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.access.plans import authorize_programme
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.catalogue.schemas import ModuleCreate, ModuleRead, ModuleUpdate
from domain.crud import create_entity, delete_entity, ensure_exists, get_or_404, load_many, noun, update_entity
from domain.errors import InvalidInput, NotFound
from domain.i18n import translatable
from domain.models.catalogue import (
    Discipline,
    Module,
    ModuleFormat,
    ModuleStatus,
    TrainingSession,
    Venue,
    module_prerequisites,
)
from domain.models.cycles import Cycle
from domain.pagination import Paged, paginate_rows
from domain.schemas import Instant, SearchText

ENTITY = "module"
_WITH_PREREQS = (selectinload(Module.prerequisites),)
_MODULES = Module.__table__


class ModuleFilters(BaseModel):
    cycle_id: uuid.UUID | None = None
    programme_id: uuid.UUID | None = None
    discipline: SearchText | None = None
    format: ModuleFormat | None = None
    status: ModuleStatus | None = None
    starts_from: Instant | None = None
    starts_to: Instant | None = None
    q: SearchText | None = None


async def list_modules(
    session: AsyncSession, *, principal: Principal, filters: ModuleFilters, limit: int, cursor: str | None
) -> Paged[ModuleRead]:
    authorize(principal, PLANNING_READ)
    stmt = select(*_MODULES.c)
    if filters.cycle_id:
        stmt = stmt.where(Module.cycle_id == filters.cycle_id)
    if filters.programme_id:
        stmt = stmt.where(Module.cycle_id.in_(select(Cycle.id).where(Cycle.programme_id == filters.programme_id)))
    if filters.discipline:
        stmt = stmt.where(Module.discipline == filters.discipline)
    if filters.format:
        stmt = stmt.where(Module.format == filters.format)
    if filters.status:
        stmt = stmt.where(Module.status == filters.status)
    if filters.starts_from or filters.starts_to:
        # Modules with at least one session in the window.
        in_window = select(literal(1)).where(TrainingSession.module_id == Module.id)
        if filters.starts_from:
            in_window = in_window.where(TrainingSession.ends_at > filters.starts_from)
        if filters.starts_to:
            in_window = in_window.where(TrainingSession.starts_at < filters.starts_to)
        stmt = stmt.where(exists(in_window))
    if filters.q:
        stmt = stmt.where(or_(Module.title.ilike(f"%{filters.q}%"), Module.code.ilike(f"%{filters.q}%")))
    rows, next_cursor = await paginate_rows(
        session, stmt, order=(_MODULES.c.code, _MODULES.c.id), limit=limit, cursor=cursor
    )
    return await _module_reads(session, rows), next_cursor


async def _module_reads(session: AsyncSession, rows: list[Row[*tuple[Any, ...]]]) -> list[ModuleRead]:
    """A page of modules as Core rows, with their prerequisites in one more statement (the same
    two statements whatever the page size, without the ORM's per-object work)."""
    prerequisites: dict[uuid.UUID, list[uuid.UUID]] = {r.id: [] for r in rows}
    if rows:
        links = await (await session.connection()).execute(
            select(module_prerequisites.c.module_id, module_prerequisites.c.prerequisite_id)
            .where(module_prerequisites.c.module_id.in_(list(prerequisites)))
            .order_by(module_prerequisites.c.module_id, module_prerequisites.c.prerequisite_id)
        )
        for module_id, prerequisite_id in links:
            prerequisites[module_id].append(prerequisite_id)
    return [ModuleRead.model_validate({**r._mapping, "prerequisite_module_ids": prerequisites[r.id]}) for r in rows]


async def get_module(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> Module:
    authorize(principal, PLANNING_READ)
    return await get_or_404(session, Module, module_id, options=_WITH_PREREQS)


# A module and its prerequisites in one statement (a row per prerequisite, or one with NULL).
_READ_MODULE = (
    select(_MODULES, module_prerequisites.c.prerequisite_id.label("prerequisite_id_"))
    .select_from(_MODULES.outerjoin(module_prerequisites, module_prerequisites.c.module_id == _MODULES.c.id))
    .where(_MODULES.c.id == bindparam("module_id"))
    .order_by(module_prerequisites.c.prerequisite_id)
)


async def read_module(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> ModuleRead:
    """A module to show, as Core rows: a read changes nothing, so the ORM's unit of work and
    identity map would buy nothing here (get_module gives the ORM object for changes)."""
    authorize(principal, PLANNING_READ)
    rows = (await (await session.connection()).execute(_READ_MODULE, {"module_id": module_id})).all()
    if not rows:
        raise NotFound(
            translatable("No {label} with id {id}.", label=noun(Module), id=module_id),
            entity=Module.__tablename__,
            id=str(module_id),
        )
    fields = dict(rows[0]._mapping)
    fields["prerequisite_module_ids"] = [r.prerequisite_id_ for r in rows if r.prerequisite_id_ is not None]
    return ModuleRead.model_validate(fields)


async def managed_module(session: AsyncSession, principal: Principal, module_id: uuid.UUID) -> Module:
    """A module the principal may change: coordinators only within their programmes."""
    authorize(principal, PLANNING_WRITE)
    module = await get_module(session, principal=principal, module_id=module_id)
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    return module


async def _check_references(session: AsyncSession, fields: dict[str, Any]) -> None:
    await ensure_exists(session, Cycle, fields.get("cycle_id"), field="cycle_id")
    await ensure_exists(session, Venue, fields.get("venue_id"), field="venue_id")
    if fields.get("discipline") is not None and await session.get(Discipline, fields["discipline"]) is None:
        raise InvalidInput(
            translatable("Unknown discipline {value!r}; see GET /api/v1/disciplines.", value=fields["discipline"]),
            errors=[{"field": "discipline", "message": "not a code of the discipline vocabulary"}],
        )


async def _prerequisites(session: AsyncSession, module_id: uuid.UUID | None, ids: list[uuid.UUID]) -> list[Module]:
    """Load the prerequisite modules; refuse unknown ids and loops (A needs B needs A)."""
    ids = list(dict.fromkeys(ids))
    if module_id in ids:
        raise InvalidInput(
            translatable("A module cannot be its own prerequisite."),
            errors=[{"field": "prerequisite_module_ids", "message": "contains the module itself"}],
        )
    found = await load_many(session, Module, ids, field="prerequisite_module_ids")
    if module_id is not None and ids:
        # Every module the new prerequisites depend on, transitively, in one recursive query.
        chain = (
            select(module_prerequisites.c.prerequisite_id.label("id"))
            .where(module_prerequisites.c.module_id.in_(ids))
            .cte(recursive=True)
        )
        chain = chain.union(
            select(module_prerequisites.c.prerequisite_id).where(module_prerequisites.c.module_id == chain.c.id)
        )
        if await session.scalar(select(chain.c.id).where(chain.c.id == module_id).limit(1)):
            raise InvalidInput(
                translatable("These prerequisites would make the module a prerequisite of itself."),
                errors=[{"field": "prerequisite_module_ids", "message": "creates a loop"}],
            )
    return found


async def create_module(session: AsyncSession, *, principal: Principal, data: ModuleCreate) -> Module:
    authorize(principal, PLANNING_WRITE)
    fields = data.model_dump(exclude={"prerequisite_module_ids"})
    await _check_references(session, fields)
    await authorize_programme(session, principal, cycle_id=data.cycle_id)
    module = Module(**fields, prerequisites=await _prerequisites(session, None, data.prerequisite_module_ids))
    await create_entity(
        session, principal=principal, entity=ENTITY, obj=module, audit_fields=list(ModuleCreate.model_fields)
    )
    return module


async def update_module(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    data: ModuleUpdate,
    expected_version: int | None,
) -> Module:
    module = await managed_module(session, principal, module_id)
    changes = data.changes()
    await _check_references(session, changes)
    extra = {}
    if "prerequisite_module_ids" in changes:
        wanted = changes.pop("prerequisite_module_ids")
        before = module.prerequisite_module_ids
        if sorted(before) != sorted(set(wanted)):
            module.prerequisites = await _prerequisites(session, module.id, wanted)
            extra["prerequisite_module_ids"] = (before, module.prerequisite_module_ids)
    return await update_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=module,
        data=changes,
        expected_version=expected_version,
        extra_changes=extra,
    )


async def delete_module(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, expected_version: int | None
) -> None:
    module = await managed_module(session, principal, module_id)
    await delete_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=module,
        expected_version=expected_version,
        owned=frozenset({"module_prerequisites.module_id"}),
    )


# Built once: every decision on a seat locks its module first.
_LOCK_MODULE = select(Module).where(Module.id == bindparam("module_id")).with_for_update()


async def lock_module(session: AsyncSession, module_id: uuid.UUID) -> Module:
    """The module, locked for the rest of the transaction: decisions on one module (seats,
    quotas, certificates) are serialised by this row lock (PostgreSQL) or by SQLite's single writer."""
    module = (await session.scalars(_LOCK_MODULE, {"module_id": module_id})).first()
    if module is None:
        raise NotFound(translatable("No module with id {id}.", id=module_id), entity="modules", id=str(module_id))
    return module


async def module_dates(session: AsyncSession, module_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[date, date]]:
    """Each module's first and last day: the local dates (cycle time zone) of its first session's
    start and its last session's end. Modules without sessions are left out. One query."""
    if not module_ids:
        return {}
    rows = await session.execute(
        select(
            TrainingSession.module_id,
            func.min(TrainingSession.starts_at),
            func.max(TrainingSession.ends_at),
            Cycle.time_zone,
        )
        .join(Module, Module.id == TrainingSession.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(TrainingSession.module_id.in_(module_ids))
        .group_by(TrainingSession.module_id, Cycle.time_zone)
    )
    found = {}
    for module_id, first, last, time_zone in rows:
        tz = ZoneInfo(time_zone)
        found[module_id] = (first.astimezone(tz).date(), (last - timedelta(microseconds=1)).astimezone(tz).date())
    return found


async def session_span(session: AsyncSession, module_id: uuid.UUID) -> tuple[datetime | None, datetime | None]:
    """When the module's first session starts and its last one ends (None, None without sessions)."""
    row = (
        await session.execute(
            select(func.min(TrainingSession.starts_at), func.max(TrainingSession.ends_at)).where(
                TrainingSession.module_id == module_id
            )
        )
    ).one()
    return row[0], row[1]
