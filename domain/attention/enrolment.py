"""The dashboard's kinds about enrolment: nominations awaiting a decision, nomination deadlines in
the next 7 days with a quota not filled, and modules and agencies below the women's-share target.
Counted in SQL (GROUP BY); the quota and share rules are the enrolment area's own."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.attention.schemas import (
    AgencyBelowTarget,
    DeadlineQuotas,
    ModuleBelowTarget,
    ModuleBrief,
    PendingNominations,
    QuotaFill,
)
from domain.attention.scope import planned_cycles
from domain.auth.principal import Principal
from domain.enrolment.rules import Quota, female_share, quota_for
from domain.models.agencies import Agency
from domain.models.catalogue import ENROLLING, Module, ModuleStatus
from domain.models.cycles import Cycle
from domain.models.enrolment import HOLDS_SEAT, LIVE, PENDING, ModuleQuota, Nomination, NominationStatus
from domain.models.officers import Officer, Sex

DEADLINES = timedelta(days=7)


def _brief(row: Any) -> ModuleBrief:
    return ModuleBrief(id=row.module_id, code=row.code, title=row.module_title, status=row.status)


_MODULE = (Module.id.label("module_id"), Module.code, Module.title.label("module_title"), Module.status)


async def pending_nominations(session: AsyncSession, *, principal: Principal) -> list[PendingNominations]:
    oldest = func.min(Nomination.created_at)
    stmt = (
        select(*_MODULE, Cycle.time_zone, func.count(Nomination.id).label("waiting"), oldest.label("oldest_at"))
        .join(Module, Module.id == Nomination.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(
            Nomination.status == NominationStatus.submitted,
            planned_cycles(principal),
            need_to_know.nominations(principal),
        )
        .group_by(*_MODULE, Cycle.time_zone)
        .order_by(oldest, Module.code)
    )
    return [
        PendingNominations(module=_brief(r), waiting=r.waiting, oldest_at=r.oldest_at, time_zone=r.time_zone)
        for r in (await session.execute(stmt)).all()
    ]


async def nomination_deadlines(session: AsyncSession, *, principal: Principal, now: datetime) -> list[DeadlineQuotas]:
    """Open modules whose deadline is in the next 7 days, with each active quota's nominations in
    play (the most specific quota covering a nominee's unit counts them: enrolment/rules.py)."""
    in_window = (
        select(Module.id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(
            Module.status == ModuleStatus.open,
            Module.nomination_deadline > now,
            Module.nomination_deadline <= now + DEADLINES,
            planned_cycles(principal),
        )
    )
    quotas = (
        await session.execute(
            select(
                *_MODULE,
                Module.nomination_deadline,
                Cycle.time_zone,
                ModuleQuota.agency_id,
                ModuleQuota.seats,
                Agency.path,
                Agency.name_en,
                Agency.name_ar,
            )
            .join(Module, Module.id == ModuleQuota.module_id)
            .join(Cycle, Cycle.id == Module.cycle_id)
            .join(Agency, Agency.id == ModuleQuota.agency_id)
            .where(ModuleQuota.module_id.in_(in_window), ModuleQuota.released_at.is_(None))
            .order_by(Module.nomination_deadline, Module.code, Agency.path)
        )
    ).all()
    if not quotas:
        return []
    held = case((Nomination.status.in_(HOLDS_SEAT), True), else_=False)
    counts = (
        await session.execute(
            internal(
                select(Nomination.module_id, Agency.path, held.label("held"), func.count())
                .join(Agency, Agency.id == Nomination.agency_id)
                .where(Nomination.module_id.in_(in_window), Nomination.status.in_(LIVE))
                .group_by(Nomination.module_id, Agency.path, held),
                "nominations in play per unit, to see whether quotas are filled: counts only",
            )
        )
    ).all()
    by_module: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for q in quotas:
        by_module[q.module_id].append(q)
    nominated: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    enrolled: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for module_id, path, is_held, n in counts:
        covering = quota_for(path, [Quota(q.agency_id, q.path, q.seats) for q in by_module.get(module_id, [])])
        if covering is not None:
            nominated[module_id, covering.agency_id] += n
            if is_held:
                enrolled[module_id, covering.agency_id] += n
    found = []
    for module_id, rows in by_module.items():
        fills = [
            QuotaFill(
                agency_id=q.agency_id,
                agency_name_en=q.name_en,
                agency_name_ar=q.name_ar,
                seats=q.seats,
                nominated=nominated[module_id, q.agency_id],
                enrolled=enrolled[module_id, q.agency_id],
                filled=nominated[module_id, q.agency_id] >= q.seats,
            )
            for q in rows
        ]
        if not all(f.filled for f in fills):
            first = rows[0]
            found.append(
                DeadlineQuotas(
                    module=_brief(first), deadline=first.nomination_deadline, time_zone=first.time_zone, quotas=fills
                )
            )
    return found


@dataclass
class _Tally:
    female: int = 0
    male: int = 0
    pending: int = 0
    modules: dict[uuid.UUID, int] = field(default_factory=lambda: defaultdict(int))  # pending per module

    def add(self, sex: str, n: int) -> None:
        if Sex(sex) is Sex.female:
            self.female += n
        else:
            self.male += n


async def below_target(
    session: AsyncSession, *, principal: Principal
) -> tuple[list[ModuleBelowTarget], list[AgencyBelowTarget]]:
    """Open and confirmed modules, and partner agencies (a top-level agency with its sub-units) in
    each cycle, whose rosters hold fewer women than the target (the module's, else its cycle's;
    an agency: its cycle's). Monitored, never used to refuse anyone (domain rule 8). One grouped
    statement for both, and one for the agencies' names."""
    stage = case((Nomination.status.in_(HOLDS_SEAT), "roster"), else_="pending")
    stmt = internal(
        select(
            *_MODULE,
            Module.female_share_target.label("module_target"),
            Cycle.id.label("cycle_id"),
            Cycle.title.label("cycle_title"),
            Cycle.female_share_target.label("cycle_target"),
            Agency.path,
            stage.label("stage"),
            Officer.sex,
            func.count().label("n"),
        )
        .select_from(Nomination)
        .join(Officer, Officer.id == Nomination.officer_id)
        .join(Agency, Agency.id == Nomination.agency_id)
        .join(Module, Module.id == Nomination.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(
            Module.status.in_(ENROLLING),
            Nomination.status.in_(HOLDS_SEAT + PENDING),
            planned_cycles(principal),
        )
        .group_by(*_MODULE, Module.female_share_target, Cycle.id, Cycle.title, Cycle.female_share_target)
        .group_by(Agency.path, stage, Officer.sex),
        "women and men per module, unit and stage: counts by sex, no person",
    )
    rows = (await session.execute(stmt)).all()
    modules: dict[uuid.UUID, tuple[Any, _Tally]] = {}
    agencies: dict[tuple[uuid.UUID, str], tuple[Any, _Tally]] = {}
    for r in rows:
        root = r.path.strip("/").split("/")[0]
        module = modules.setdefault(r.module_id, (r, _Tally()))[1]
        agency = agencies.setdefault((r.cycle_id, root), (r, _Tally()))[1]
        if r.stage == "roster":
            module.add(r.sex, r.n)
            agency.add(r.sex, r.n)
        else:
            agency.modules[r.module_id] += r.n
    low_modules = []
    for r, t in modules.values():
        target = r.module_target if r.module_target is not None else r.cycle_target
        share = female_share(t.female, t.male)
        if share is not None and share < target:
            low_modules.append(
                ModuleBelowTarget(module=_brief(r), female=t.female, male=t.male, female_share=share, target=target)
            )
    low_agencies = []
    names = await _agency_names(session, {uuid.UUID(root) for _, root in agencies})
    for (_, root), (r, t) in agencies.items():
        share = female_share(t.female, t.male)
        if share is None or share >= r.cycle_target:
            continue
        where = max(t.modules, key=lambda m: t.modules[m]) if t.modules else r.module_id
        act = modules[where][0]
        name_en, name_ar = names.get(uuid.UUID(root), ("", ""))
        low_agencies.append(
            AgencyBelowTarget(
                cycle_id=r.cycle_id,
                cycle_title=r.cycle_title,
                agency_id=uuid.UUID(root),
                agency_name_en=name_en,
                agency_name_ar=name_ar,
                module=_brief(act),
                female=t.female,
                male=t.male,
                female_share=share,
                target=r.cycle_target,
            )
        )
    low_modules.sort(key=lambda m: (m.female_share, m.module.code))
    low_agencies.sort(key=lambda a: (a.cycle_title, a.female_share, a.agency_name_en))
    return low_modules, low_agencies


async def _agency_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    if not ids:
        return {}
    rows = await session.execute(select(Agency.id, Agency.name_en, Agency.name_ar).where(Agency.id.in_(ids)))
    return {r.id: (r.name_en, r.name_ar) for r in rows}
