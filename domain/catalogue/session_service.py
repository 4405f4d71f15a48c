from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.access.plans import authorize_programme
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.catalogue.scheduling import Booking, calendar_warnings, clashes
from domain.catalogue.schemas import SessionCreate, SessionUpdate
from domain.crud import create_entity, delete_entity, ensure_exists, get_or_404, load_many, update_entity
from domain.errors import Conflict, InvalidInput
from domain.i18n import translatable
from domain.models.catalogue import FINISHED, Module, ModuleStatus, Trainer, TrainingSession, Venue, session_trainers
from domain.models.cycles import Cycle
from domain.outbox.service import emit
from domain.pagination import Paged, paginate
from domain.schemas import BookedModule, BookedResource, BookedSession, Instant, ScheduleConflict

ENTITY = "session"
_WITH_TRAINERS = (selectinload(TrainingSession.trainers),)


class SessionFilters(BaseModel):
    starts_from: Instant | None = None
    starts_to: Instant | None = None
    venue_id: uuid.UUID | None = None
    trainer_id: uuid.UUID | None = None


async def list_sessions(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    filters: SessionFilters,
    limit: int,
    cursor: str | None,
) -> Paged[TrainingSession]:
    authorize(principal, PLANNING_READ)
    await get_or_404(session, Module, module_id)
    stmt = select(TrainingSession).where(TrainingSession.module_id == module_id).options(*_WITH_TRAINERS)
    if filters.starts_from:
        stmt = stmt.where(TrainingSession.starts_at >= filters.starts_from)
    if filters.starts_to:
        stmt = stmt.where(TrainingSession.starts_at < filters.starts_to)
    if filters.venue_id:
        stmt = stmt.where(TrainingSession.venue_id == filters.venue_id)
    if filters.trainer_id:
        stmt = stmt.where(
            TrainingSession.id.in_(
                select(session_trainers.c.session_id).where(session_trainers.c.trainer_id == filters.trainer_id)
            )
        )
    return await paginate(
        session, stmt, order=(TrainingSession.starts_at, TrainingSession.id), limit=limit, cursor=cursor
    )


async def get_session(session: AsyncSession, *, principal: Principal, session_id: uuid.UUID) -> TrainingSession:
    authorize(principal, PLANNING_READ)
    return await get_or_404(session, TrainingSession, session_id, options=_WITH_TRAINERS)


async def _conflicts(session: AsyncSession, candidate: Booking) -> list[ScheduleConflict]:
    """Sessions of live modules that overlap the candidate and share its venue or a trainer."""
    shared = []
    if candidate.venue_id:
        shared.append(TrainingSession.venue_id == candidate.venue_id)
    if candidate.trainer_ids:
        shared.append(
            TrainingSession.id.in_(
                select(session_trainers.c.session_id).where(session_trainers.c.trainer_id.in_(candidate.trainer_ids))
            )
        )
    if not shared:
        return []
    stmt = (
        select(TrainingSession, Module.code, Module.title, Venue.name)
        .join(Module, Module.id == TrainingSession.module_id)
        .outerjoin(Venue, Venue.id == TrainingSession.venue_id)
        .where(
            or_(*shared),
            TrainingSession.starts_at < candidate.ends_at,
            TrainingSession.ends_at > candidate.starts_at,
            Module.status != ModuleStatus.cancelled,
        )
        .options(*_WITH_TRAINERS)
    )
    if candidate.session_id is not None:
        stmt = stmt.where(TrainingSession.id != candidate.session_id)
    rows = (await session.execute(stmt)).all()
    by_id = {s.id: (s, code, title, venue_name) for s, code, title, venue_name in rows}
    others = [Booking(s.id, s.starts_at, s.ends_at, s.venue_id, frozenset(s.trainer_ids)) for s, *_ in rows]
    found = []
    for other, kind, resource_id in clashes(candidate, others):
        assert other.session_id is not None  # others are stored sessions
        s, code, title, venue_name = by_id[other.session_id]
        name = venue_name if kind == "venue" else next(t.name for t in s.trainers if t.id == resource_id)
        found.append(
            ScheduleConflict(
                resource=BookedResource(kind=kind, id=resource_id, name=name),
                session=BookedSession(id=s.id, title=s.title, starts_at=s.starts_at, ends_at=s.ends_at),
                module=BookedModule(id=s.module_id, code=code, title=title),
            )
        )
    return found


async def _schedule(
    session: AsyncSession, candidate: Booking, module: Module, override_reason: str | None
) -> list[dict[str, str]]:
    """Refuse double bookings unless overridden with a reason; return the calendar warnings."""
    conflicts = await _conflicts(session, candidate)
    warnings: list[dict[str, str]] = []
    if conflicts:
        if not (override_reason and override_reason.strip()):
            raise Conflict(
                translatable(
                    "The session double-books {count} resource(s). Move it, or send override_reason to keep it.",
                    count=len(conflicts),
                ),
                code="schedule-conflict",
                title="Scheduling conflict",
                conflicts=[c.model_dump(mode="json") for c in conflicts],
            )
        warnings += [
            {
                "code": "double-booking-overridden",
                "message": f"{c.resource.kind} {c.resource.name} is also booked for {c.module.code} / "
                f"{c.session.title}.",
            }
            for c in conflicts
        ]
    cycle = await session.get_one(Cycle, module.cycle_id)
    return warnings + calendar_warnings(
        candidate.starts_at,
        candidate.ends_at,
        time_zone=cycle.time_zone,
        working_days=cycle.working_days,
        holidays=cycle.holidays,
        cycle_starts_on=cycle.starts_on,
        cycle_ends_on=cycle.ends_on,
    )


def _refuse_if_module_closed(module: Module) -> None:
    if module.status in FINISHED:
        raise Conflict(
            translatable("The module is {status}; its sessions can no longer change.", status=module.status),
            code="module-closed",
            module_status=module.status.value,
        )


async def create_session(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, data: SessionCreate
) -> tuple[TrainingSession, list[dict[str, str]]]:
    authorize(principal, PLANNING_WRITE)
    module = await get_or_404(session, Module, module_id)
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    _refuse_if_module_closed(module)
    await ensure_exists(session, Venue, data.venue_id, field="venue_id")
    trainers = await load_many(session, Trainer, field="trainer_ids", ids=data.trainer_ids)
    booking = Booking(None, data.starts_at, data.ends_at, data.venue_id, frozenset(t.id for t in trainers))
    warnings = await _schedule(session, booking, module, data.override_reason)
    fields = data.model_dump(exclude={"trainer_ids"})
    if not any(w["code"] == "double-booking-overridden" for w in warnings):
        fields["override_reason"] = None  # nothing was overridden
    ts = TrainingSession(module_id=module.id, trainers=trainers, **fields)
    await create_entity(
        session, principal=principal, entity=ENTITY, obj=ts, audit_fields=list(SessionCreate.model_fields)
    )
    emit(
        session,
        "session.created",
        resource_id=ts.id,
        data={"module_id": module.id, "starts_at": ts.starts_at, "ends_at": ts.ends_at},
    )
    return ts, warnings


async def update_session(
    session: AsyncSession,
    *,
    principal: Principal,
    session_id: uuid.UUID,
    data: SessionUpdate,
    expected_version: int | None,
) -> tuple[TrainingSession, list[dict[str, str]]]:
    authorize(principal, PLANNING_WRITE)
    ts = await get_session(session, principal=principal, session_id=session_id)
    module = await session.get_one(Module, ts.module_id)
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    _refuse_if_module_closed(module)
    changes = data.changes()
    await ensure_exists(session, Venue, changes.get("venue_id"), field="venue_id")
    starts_at, ends_at = changes.get("starts_at", ts.starts_at), changes.get("ends_at", ts.ends_at)
    if ends_at <= starts_at:
        raise InvalidInput(
            translatable("The session would end before it starts."),
            errors=[{"field": "ends_at", "message": "ends_at must be after starts_at"}],
        )
    trainers = (
        await load_many(session, Trainer, field="trainer_ids", ids=changes.pop("trainer_ids"))
        if "trainer_ids" in changes
        else ts.trainers
    )
    # Check the booking as it would be after the change, before writing anything.
    booking = Booking(
        ts.id, starts_at, ends_at, changes.get("venue_id", ts.venue_id), frozenset(t.id for t in trainers)
    )
    # A stored reason covers the booking it was given for; a move needs a reason of its own.
    moved = bool({"starts_at", "ends_at", "venue_id"} & changes.keys()) or "trainer_ids" in data.model_fields_set
    reason = changes.get("override_reason") if moved else changes.get("override_reason", ts.override_reason)
    warnings = await _schedule(session, booking, module, reason)
    if not any(w["code"] == "double-booking-overridden" for w in warnings):
        changes["override_reason"] = None  # nothing is overridden any more
    extra: dict[str, tuple[Any, Any]] = {}
    if sorted(t.id for t in trainers) != sorted(ts.trainer_ids):
        extra["trainer_ids"] = (ts.trainer_ids, [t.id for t in trainers])
        ts.trainers = trainers
    before = ts.starts_at, ts.ends_at
    venue_before = ts.venue_id
    await update_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=ts,
        data=changes,
        expected_version=expected_version,
        extra_changes=extra,
    )
    if (ts.starts_at, ts.ends_at) != before or ts.venue_id != venue_before:
        moved_data: dict[str, Any] = {
            "module_id": ts.module_id,
            "starts_at": ts.starts_at,
            "ends_at": ts.ends_at,
            "previous_starts_at": before[0],
            "previous_ends_at": before[1],
        }
        if ts.venue_id != venue_before:
            moved_data |= {"venue_id": ts.venue_id, "previous_venue_id": venue_before}
        emit(session, "session.moved", resource_id=ts.id, data=moved_data)
    if "trainer_ids" in extra:
        previous, now = extra["trainer_ids"]
        emit(
            session,
            "session.trainers_changed",
            resource_id=ts.id,
            data={"module_id": ts.module_id, "trainer_ids": now, "previous_trainer_ids": previous},
        )
    return ts, warnings


async def delete_session(
    session: AsyncSession, *, principal: Principal, session_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, PLANNING_WRITE)
    ts = await get_session(session, principal=principal, session_id=session_id)
    await authorize_programme(session, principal, module_id=ts.module_id)
    ts_id, module_id, starts_at, ends_at = ts.id, ts.module_id, ts.starts_at, ts.ends_at
    await delete_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=ts,
        expected_version=expected_version,
        owned=frozenset({"session_trainers.session_id"}),
    )
    emit(
        session,
        "session.cancelled",
        resource_id=ts_id,
        data={"module_id": module_id, "starts_at": starts_at, "ends_at": ends_at},
    )
