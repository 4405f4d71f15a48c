"""Gender balance at decision time: monitored and warned about, never used to refuse a person."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.auth.policy import NOMINATIONS_READ, authorize
from domain.auth.principal import Principal
from domain.crud import get_or_404
from domain.enrolment.rules import female_share
from domain.enrolment.schemas import BalanceRead, SexCounts
from domain.models.catalogue import Module
from domain.models.cycles import Cycle
from domain.models.enrolment import ON_ROSTER, PENDING, Nomination
from domain.models.officers import Officer, Sex
from domain.schemas import Warning_


def _counts_by_sex() -> Select[str, Sex, int]:
    stage = case((Nomination.status.in_(ON_ROSTER), "enrolled"), else_="pending")
    return internal(
        select(stage, Officer.sex, func.count())
        .join(Officer, Officer.id == Nomination.officer_id)
        .where(Nomination.module_id == bindparam("module_id"), Nomination.status.in_(ON_ROSTER + PENDING))
        .group_by(stage, Officer.sex),
        "counts by sex of a module's nominations: no person",
    )


# Built once, run with parameters: every nomination (and a decision that fills the module) asks both.
_COUNTS = _counts_by_sex()
_CYCLE_TARGET = select(Cycle.female_share_target).where(Cycle.id == bindparam("cycle_id"))


async def _counts(session: AsyncSession, module_id: uuid.UUID) -> tuple[SexCounts, SexCounts]:
    """Enrolled and pending by sex, in one grouped query."""
    rows = await session.execute(_COUNTS, {"module_id": module_id})
    enrolled, pending = SexCounts(), SexCounts()
    for which, sex, n in rows:
        setattr(enrolled if which == "enrolled" else pending, Sex(sex).value, n)
    return enrolled, pending


async def _target(session: AsyncSession, module: Module) -> tuple[float, Literal["module", "cycle"]]:
    if module.female_share_target is not None:
        return module.female_share_target, "module"
    cycle_target = (await session.execute(_CYCLE_TARGET, {"cycle_id": module.cycle_id})).scalar_one()
    return cycle_target, "cycle"


async def get_balance(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> BalanceRead:
    authorize(principal, NOMINATIONS_READ)
    module = await get_or_404(session, Module, module_id)
    return await _balance(session, module)


async def _balance(session: AsyncSession, module: Module) -> BalanceRead:
    enrolled, pending = await _counts(session, module.id)
    target, source = await _target(session, module)
    now = female_share(enrolled.female, enrolled.male)
    return BalanceRead(
        module_id=module.id,
        capacity=module.capacity,
        enrolled=enrolled,
        pending=pending,
        female_share_now=now,
        female_share_if_all_pending_accepted=female_share(
            enrolled.female + pending.female, enrolled.male + pending.male
        ),
        target=target,
        target_source=source,
        below_target=now is not None and now < target,
    )


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


async def nomination_warnings(session: AsyncSession, *, module: Module) -> list[Warning_]:
    balance = await _balance(session, module)
    projected = balance.female_share_if_all_pending_accepted
    if projected is not None and projected < balance.target:
        return [
            Warning_(
                code="female-share-below-target",
                message=f"Even if every pending nomination were accepted, women "
                f"would be {_pct(projected)} of participants; the target is {_pct(balance.target)}.",
            )
        ]
    return []


async def acceptance_warnings(session: AsyncSession, *, module: Module, full: bool) -> list[Warning_]:
    if not full:
        return []
    balance = await _balance(session, module)
    if balance.below_target:
        return [
            Warning_(
                code="full-below-female-target",
                message=f"The module is full with {_pct(balance.female_share_now)} "
                f"women; the target is {_pct(balance.target)}.",
            )
        ]
    return []
