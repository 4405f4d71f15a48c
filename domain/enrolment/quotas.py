"""Agency quotas of a module and the coordinator's order of the waitlist."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.access.plans import authorize_programme
from domain.access.teaching import module_for
from domain.audit.service import record_change, record_read
from domain.auth.policy import NOMINATIONS_DECIDE, NOMINATIONS_READ, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module
from domain.crud import get_or_404
from domain.db import table_of, utcnow
from domain.enrolment.rules import Quota, Waiting, general_pool, queue_key, quota_for
from domain.enrolment.schemas import QuotaRead, QuotasPut, QuotasRead, SeatChanges
from domain.enrolment.seats import fill_seats, quota_is_active
from domain.enrolment.tags import check_tag, quotas_tag, waitlist_tag
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.models.agencies import Agency
from domain.models.catalogue import Module
from domain.models.enrolment import HOLDS_SEAT, ModuleQuota, Nomination, NominationStatus


async def get_quotas(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> QuotasRead:
    authorize(principal, NOMINATIONS_READ)
    module = await get_or_404(session, Module, module_id)
    return await _read(session, module)


async def _read(session: AsyncSession, module: Module, promoted: SeatChanges | None = None) -> QuotasRead:
    rows = (
        await session.execute(
            select(ModuleQuota, Agency.path)
            .join(Agency, Agency.id == ModuleQuota.agency_id)
            .where(ModuleQuota.module_id == module.id)
            .order_by(Agency.path)
        )
    ).all()
    active = [Quota(q.agency_id, path, q.seats) for q, path in rows if quota_is_active(q, module)]
    enrolled_paths = list(
        await session.scalars(
            internal(
                select(Agency.path)
                .join(Nomination, Nomination.agency_id == Agency.id)
                .where(Nomination.module_id == module.id, Nomination.status.in_(HOLDS_SEAT)),
                "the agencies holding seats, to count quota use",
            )
        )
    )
    everyone = [Quota(q.agency_id, path, q.seats) for q, path in rows]
    used: dict[uuid.UUID, int] = {}
    for path in enrolled_paths:
        q = quota_for(path, everyone)
        if q is not None:
            used[q.agency_id] = used.get(q.agency_id, 0) + 1
    return QuotasRead(
        module_id=module.id,
        capacity=module.capacity,
        general_pool=general_pool(module.capacity, active),
        quotas=[
            QuotaRead(
                agency_id=q.agency_id,
                seats=q.seats,
                enrolled=used.get(q.agency_id, 0),
                released=not quota_is_active(q, module),
            )
            for q, _ in rows
        ],
        promoted=(promoted.promoted if promoted else []),
    )


async def put_quotas(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    data: QuotasPut,
    expected_version: int | None = None,
) -> QuotasRead:
    """`expected_version`: the quotas' tag the caller saw (If-Match, domain/enrolment/tags.py)."""
    authorize(principal, NOMINATIONS_DECIDE)
    module = await lock_module(session, module_id)
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    if expected_version is not None:
        check_tag("quotas", quotas_tag(await _read(session, module)), expected_version)
    agency_ids = [q.agency_id for q in data.quotas]
    errors = [
        {"field": f"quotas[{i}].agency_id", "message": "listed twice"}
        for i, a in enumerate(agency_ids)
        if agency_ids.index(a) != i
    ]
    known = set(await session.scalars(select(Agency.id).where(Agency.id.in_(agency_ids)))) if agency_ids else set()
    errors += [
        {"field": f"quotas[{i}].agency_id", "message": f"unknown agency {a}"}
        for i, a in enumerate(agency_ids)
        if a not in known
    ]
    total = sum(q.seats for q in data.quotas)
    if total > module.capacity:
        errors.append({"field": "quotas", "message": f"{total} seats reserved but the module has {module.capacity}"})
    if errors:
        raise InvalidInput(translatable("The quotas cannot be set as sent."), errors=errors)
    before = {
        q.agency_id: q.seats
        for q in await session.scalars(select(ModuleQuota).where(ModuleQuota.module_id == module.id))
    }
    await session.execute(delete(ModuleQuota).where(ModuleQuota.module_id == module.id))
    session.add_all([ModuleQuota(module_id=module.id, agency_id=q.agency_id, seats=q.seats) for q in data.quotas])
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="quotas-set",
        entity="module",
        entity_id=module.id,
        changes={"quotas": ({str(k): v for k, v in before.items()}, {str(q.agency_id): q.seats for q in data.quotas})},
    )
    return await _read(session, module)


async def release_quotas(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    reason: str | None,
    expected_version: int | None = None,
) -> QuotasRead:
    """Unclaimed quota seats go back to the general pool; waiting nominations may then get in."""
    authorize(principal, NOMINATIONS_DECIDE)
    module = await lock_module(session, module_id)
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    if expected_version is not None:
        check_tag("quotas", quotas_tag(await _read(session, module)), expected_version)
    now = datetime.now(UTC)
    for quota in await session.scalars(
        select(ModuleQuota).where(ModuleQuota.module_id == module.id, ModuleQuota.released_at.is_(None))
    ):
        quota.released_at = now
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="quotas-released",
        entity="module",
        entity_id=module.id,
        changes={"reason": (None, reason)},
    )
    promoted = await fill_seats(
        session, principal=principal, module=module, freed_agency_id=None, reason="quota seats released"
    )
    return await _read(session, module, promoted)


async def list_waitlist(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> list[Nomination]:
    authorize(principal, NOMINATIONS_READ)
    await module_for(session, principal, module_id, write=False)  # another programme's, for a coordinator: a 404
    rows = list(
        await session.scalars(
            select(Nomination).where(
                Nomination.module_id == module_id,
                Nomination.status == NominationStatus.waitlisted,
                need_to_know.nominations(principal),
            )
        )
    )
    if need_to_know.logs_reads(principal):
        record_read(
            session, principal=principal, entity="waitlist", filters={"module_id": module_id}, row_count=len(rows)
        )
    return sorted(
        rows, key=lambda n: queue_key(Waiting(n.id, n.agency_id, False, n.queue_rank, n.priority, n.created_at))
    )


async def _waiting_order(session: AsyncSession, principal: Principal, module_id: uuid.UUID) -> list[uuid.UUID]:
    """The waitlist as list_waitlist shows it, ids only (columns: nothing is loaded into the
    session that the reordering's bulk update would leave stale)."""
    rows = await session.execute(
        select(
            Nomination.id, Nomination.agency_id, Nomination.queue_rank, Nomination.priority, Nomination.created_at
        ).where(
            Nomination.module_id == module_id,
            Nomination.status == NominationStatus.waitlisted,
            need_to_know.nominations(principal),
        )
    )
    return [w.nomination_id for w in sorted((Waiting(r[0], r[1], False, *r[2:]) for r in rows), key=queue_key)]


async def reorder_waitlist(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    nomination_ids: list[uuid.UUID],
    expected_version: int | None = None,
) -> list[Nomination]:
    """`expected_version`: the waitlist's tag the caller saw (If-Match, domain/enrolment/tags.py)."""
    authorize(principal, NOMINATIONS_DECIDE)
    module = await lock_module(session, module_id)
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    if expected_version is not None:
        check_tag("waitlist", waitlist_tag(await _waiting_order(session, principal, module.id)), expected_version)
    waiting = dict(
        (
            await session.execute(
                internal(
                    select(Nomination.id, Nomination.queue_rank).where(
                        Nomination.module_id == module.id, Nomination.status == NominationStatus.waitlisted
                    ),
                    "the coordinator reorders the whole waitlist of a module they decide for: ids and ranks only",
                )
            )
        ).all()
    )
    errors = [
        {"field": f"nomination_ids[{i}]", "message": "not waitlisted for this module"}
        for i, nid in enumerate(nomination_ids)
        if nid not in waiting
    ]
    errors += [
        {"field": f"nomination_ids[{i}]", "message": "listed twice"}
        for i, nid in enumerate(nomination_ids)
        if nomination_ids.index(nid) != i
    ]
    if errors:
        raise InvalidInput(
            translatable("The waitlist order names nominations that are not waiting here."), errors=errors
        )
    # By id, in bulk: the rows themselves are never read (the module's lock keeps them waiting).
    ranked = {nid: rank for rank, nid in enumerate(nomination_ids, start=1)}
    moved = [{"b_id": nid, "b_rank": ranked.get(nid)} for nid, rank in waiting.items() if ranked.get(nid) != rank]
    if moved:
        t = table_of(Nomination).c
        stmt = (
            update(table_of(Nomination))
            .where(t.id == bindparam("b_id"))
            .values(queue_rank=bindparam("b_rank"), version=t.version + 1, updated_at=utcnow())
        )
        await session.execute(stmt, moved)
    record_change(
        session,
        principal=principal,
        action="waitlist-reordered",
        entity="module",
        entity_id=module.id,
        changes={"order": (None, [str(n) for n in nomination_ids])},
    )
    return await list_waitlist(session, principal=principal, module_id=module.id)
