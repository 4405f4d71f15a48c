"""My agency's open calls: the modules of its country's cycles open for nominations (the deadline
not passed), each with its dates, deadline, my quota, seats used and left, prerequisites and vetting.
Eight statements for a page of calls, however many modules, quotas or nominations there are."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.agencies.tree import in_subtree
from domain.auth.policy import NOMINATIONS_WRITE, PLANNING_READ, authorize
from domain.auth.principal import Principal
from domain.crud import get_or_404
from domain.enrolment.rules import Quota, general_pool, quota_for
from domain.enrolment.seats import quota_is_active
from domain.errors import NotFound
from domain.focal_desk.schemas import OpenCall
from domain.i18n import translatable
from domain.models.agencies import Agency
from domain.models.catalogue import Module, ModuleStatus, TrainingSession, module_prerequisites
from domain.models.cycles import Cycle
from domain.models.enrolment import HOLDS_SEAT, LIVE, ModuleQuota, Nomination
from domain.pagination import Paged, paginate


async def my_agency(session: AsyncSession, principal: Principal) -> tuple[str, str]:
    """The path and country of the agency the focal point acts for (a 404 page without one)."""
    authorize(principal, NOMINATIONS_WRITE)
    if principal.agency_id is None:
        raise NotFound(translatable("No agency is bound to this account."))
    row = (await session.execute(select(Agency.path, Agency.country).where(Agency.id == principal.agency_id))).one()
    return row.path, row.country


async def open_calls(
    session: AsyncSession, *, principal: Principal, now: datetime, limit: int, cursor: str | None
) -> Paged[OpenCall]:
    path, country = await my_agency(session, principal)
    stmt = (
        select(Module)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(
            Module.status == ModuleStatus.open,
            Cycle.partner_country == country,
            or_(Module.nomination_deadline.is_(None), Module.nomination_deadline > now),
        )
    )
    modules, next_cursor = await paginate(session, stmt, order=(Module.id,), limit=limit, cursor=cursor)
    return await describe(session, principal=principal, modules=modules, path=path, now=now), next_cursor


async def one_call(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, now: datetime) -> OpenCall:
    """A module as a call of mine (open or not: my nominations for it stay mine to follow)."""
    authorize(principal, PLANNING_READ)
    path, _ = await my_agency(session, principal)
    module = await get_or_404(session, Module, module_id)
    return (await describe(session, principal=principal, modules=[module], path=path, now=now))[0]


async def describe(
    session: AsyncSession, *, principal: Principal, modules: list[Module], path: str, now: datetime
) -> list[OpenCall]:
    if not modules:
        return []
    ids = [m.id for m in modules]
    cycles = {
        r.id: r
        for r in await session.execute(
            select(Cycle.id, Cycle.title, Cycle.time_zone, Cycle.female_share_target).where(
                Cycle.id.in_({m.cycle_id for m in modules})
            )
        )
    }
    spans = {
        r.module_id: (r.first, r.last)
        for r in await session.execute(
            select(
                TrainingSession.module_id,
                func.min(TrainingSession.starts_at).label("first"),
                func.max(TrainingSession.ends_at).label("last"),
            )
            .where(TrainingSession.module_id.in_(ids))
            .group_by(TrainingSession.module_id)
        )
    }
    quotas: dict[uuid.UUID, list[tuple[ModuleQuota, str]]] = defaultdict(list)
    for q, qpath in await session.execute(
        select(ModuleQuota, Agency.path)
        .join(Agency, Agency.id == ModuleQuota.agency_id)
        .where(ModuleQuota.module_id.in_(ids))
    ):
        quotas[q.module_id].append((q, qpath))
    seated: dict[uuid.UUID, list[str]] = defaultdict(list)
    for module_id, spath in await session.execute(
        internal(
            select(Nomination.module_id, Agency.path)
            .join(Agency, Agency.id == Nomination.agency_id)
            .where(Nomination.module_id.in_(ids), Nomination.status.in_(HOLDS_SEAT)),
            "the agencies holding seats, to count seats used and left: no person",
        )
    ):
        seated[module_id].append(spath)
    mine = dict(
        (
            await session.execute(
                select(Nomination.module_id, func.count())
                .where(Nomination.module_id.in_(ids), Nomination.status.in_(LIVE), need_to_know.nominations(principal))
                .group_by(Nomination.module_id)
            )
        ).all()
    )
    needs: dict[uuid.UUID, list[str]] = defaultdict(list)
    for module_id, code in await session.execute(
        select(module_prerequisites.c.module_id, Module.code)
        .join(Module, Module.id == module_prerequisites.c.prerequisite_id)
        .where(module_prerequisites.c.module_id.in_(ids))
        .order_by(Module.code)
    ):
        needs[module_id].append(code)
    calls = []
    for m in modules:
        cycle = cycles[m.cycle_id]
        first, last = spans.get(m.id, (None, None))
        active = [Quota(q.agency_id, qpath, q.seats) for q, qpath in quotas[m.id] if quota_is_active(q, m, now)]
        quota, used, left = seats(m.capacity, active, seated[m.id], path)
        calls.append(
            OpenCall(
                module_id=m.id,
                code=m.code,
                title=m.title,
                format=m.format,
                cycle_title=cycle.title,
                time_zone=cycle.time_zone,
                first_start=first,
                last_end=last,
                deadline=m.nomination_deadline,
                capacity=m.capacity,
                quota=quota,
                used=used,
                left=left,
                nominated=int(mine.get(m.id, 0)),
                prerequisites=needs[m.id],
                vetting=m.vetting_required,
                target=m.female_share_target if m.female_share_target is not None else cycle.female_share_target,
                accepting=m.status is ModuleStatus.open
                and (m.nomination_deadline is None or m.nomination_deadline > now),
            )
        )
    return calls


def seats(capacity: int, quotas: list[Quota], seated: list[str], mine: str) -> tuple[int | None, int, int]:
    """My quota (None without one), the seats my agency holds, and how many more it can be given:
    within its quota where one covers it, else within the general pool, and never beyond capacity."""
    free = max(0, capacity - len(seated))
    covering = quota_for(mine, quotas)
    used = sum(1 for p in seated if p.startswith(mine))
    if covering is not None:
        taken = sum(1 for p in seated if quota_for(p, quotas) == covering)
        return covering.seats, used, max(0, min(covering.seats - taken, free))
    outside = sum(1 for p in seated if quota_for(p, quotas) is None)
    return None, used, max(0, min(general_pool(capacity, quotas) - outside, free))


async def my_units(session: AsyncSession, *, principal: Principal) -> dict[uuid.UUID, tuple[str, str]]:
    """My agency and its sub-units: id -> (English name, Arabic name), to say each officer's unit."""
    path, _ = await my_agency(session, principal)
    rows = await session.execute(
        select(Agency.id, Agency.name_en, Agency.name_ar).where(in_subtree(Agency.path, path)).order_by(Agency.path)
    )
    return {r.id: (r.name_en, r.name_ar) for r in rows}
