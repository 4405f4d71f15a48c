"""The women's share of my nominations for a module against its target (the module's, else its
cycle's), and what it would be with the officers ticked on the form: three statements."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.auth.policy import NOMINATIONS_READ, authorize
from domain.auth.principal import Principal
from domain.errors import NotFound
from domain.focal_desk.schemas import Meter
from domain.i18n import translatable
from domain.models.catalogue import Module
from domain.models.cycles import Cycle
from domain.models.enrolment import LIVE, ON_ROSTER, Nomination
from domain.models.officers import Officer, Sex


async def my_meter(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, adding: list[uuid.UUID] | None = None
) -> Meter:
    """`adding`: officers ticked but not nominated yet (those of my reach not already nominated count)."""
    authorize(principal, NOMINATIONS_READ)
    target = (
        await session.execute(
            select(func.coalesce(Module.female_share_target, Cycle.female_share_target))
            .join(Cycle, Cycle.id == Module.cycle_id)
            .where(Module.id == module_id)
        )
    ).scalar()
    if target is None:
        raise NotFound(translatable("No module with id {id}.", id=module_id), entity="modules", id=str(module_id))
    counts = {Sex.female: 0, Sex.male: 0}
    nominated = (
        select(Nomination.officer_id)
        .where(
            Nomination.module_id == module_id,
            Nomination.status.in_(set(LIVE) | set(ON_ROSTER)),
            need_to_know.nominations(principal),
        )
        .scalar_subquery()
    )
    for sex, n in await session.execute(
        select(Officer.sex, func.count())
        .where(Officer.id.in_(nominated), need_to_know.officers(principal))
        .group_by(Officer.sex)
    ):
        counts[Sex(sex)] = n
    extra = {Sex.female: 0, Sex.male: 0}
    if adding:
        for sex, n in await session.execute(
            select(Officer.sex, func.count())
            .where(Officer.id.in_(adding), Officer.id.not_in(nominated), need_to_know.officers(principal))
            .group_by(Officer.sex)
        ):
            extra[Sex(sex)] = n
    return Meter(
        female=counts[Sex.female],
        male=counts[Sex.male],
        adding_female=extra[Sex.female],
        adding_male=extra[Sex.male],
        target=float(target),
    )
