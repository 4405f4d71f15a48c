"""A cycle's logframe indicators and their entered values. Coordinators of the cycle's programme
and administrators write them (audited); whoever reads the cycle's reports reads them. Once an
indicator is approved its disaggregation is fixed, approval stays, and it is not deleted."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import reports as reach
from domain.access.plans import authorize_programme
from domain.auth.policy import PLANNING_WRITE, REPORTS_READ, authorize
from domain.auth.principal import Principal
from domain.crud import create_entity, delete_entity, get_or_404, update_entity
from domain.errors import Conflict
from domain.i18n import translatable
from domain.indicators.schemas import IndicatorCreate, IndicatorUpdate, IndicatorValueCreate
from domain.models.cycles import Cycle
from domain.models.indicators import Indicator, IndicatorSource, IndicatorValue
from domain.pagination import Paged, paginate

ENTITY = "indicator"
VALUE = "indicator value"


async def readable_cycle(session: AsyncSession, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    """The cycle, for those who read its reports (a coordinator: their programmes only)."""
    authorize(principal, REPORTS_READ)
    cycle = await get_or_404(session, Cycle, cycle_id)
    reach.check_programme(principal, cycle.programme_id, what="This cycle's programme")
    return cycle


async def _writable_cycle(session: AsyncSession, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    authorize(principal, PLANNING_WRITE)
    cycle = await get_or_404(session, Cycle, cycle_id)
    await authorize_programme(session, principal, programme_id=cycle.programme_id)
    return cycle


async def list_indicators(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, limit: int, cursor: str | None
) -> Paged[Indicator]:
    await readable_cycle(session, principal, cycle_id)
    stmt = select(Indicator).where(Indicator.cycle_id == cycle_id)
    return await paginate(session, stmt, order=(Indicator.code, Indicator.id), limit=limit, cursor=cursor)


async def get_indicator(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, indicator_id: uuid.UUID
) -> Indicator:
    await readable_cycle(session, principal, cycle_id)
    return await get_or_404(session, Indicator, indicator_id, where=(Indicator.cycle_id == cycle_id,))


async def create_indicator(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, data: IndicatorCreate
) -> Indicator:
    await _writable_cycle(session, principal, cycle_id)
    return await create_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=Indicator(cycle_id=cycle_id, **data.model_dump()),
        audit_fields=list(IndicatorCreate.model_fields),
    )


def check_approved_change(indicator: Indicator, changes: dict[str, Any]) -> None:
    """An approved indicator keeps its disaggregation and its approval (a 409 naming the field)."""
    if not indicator.approved:
        return
    for field in ("disaggregation", "approved"):
        if field in changes and changes[field] != getattr(indicator, field):
            raise Conflict(
                translatable(
                    "The indicator {code} is approved: its {field} cannot change.", code=indicator.code, field=field
                ),
                code="indicator-approved",
                title="Indicator approved",
                field=field,
            )


async def update_indicator(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    data: IndicatorUpdate,
    expected_version: int | None,
) -> Indicator:
    await _writable_cycle(session, principal, cycle_id)
    indicator = await get_or_404(session, Indicator, indicator_id, where=(Indicator.cycle_id == cycle_id,))
    changes = data.changes()
    check_approved_change(indicator, changes)
    return await update_entity(
        session, principal=principal, entity=ENTITY, obj=indicator, data=changes, expected_version=expected_version
    )


async def delete_indicator(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    expected_version: int | None,
) -> None:
    await _writable_cycle(session, principal, cycle_id)
    indicator = await get_or_404(session, Indicator, indicator_id, where=(Indicator.cycle_id == cycle_id,))
    if indicator.approved:
        raise Conflict(
            translatable("The indicator {code} is approved: it stays in the logframe.", code=indicator.code),
            code="indicator-approved",
            title="Indicator approved",
            field="approved",
        )
    await delete_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=indicator,
        expected_version=expected_version,
        owned=frozenset({"indicator_values.indicator_id"}),
    )


async def list_values(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    limit: int,
    cursor: str | None,
) -> Paged[IndicatorValue]:
    await get_indicator(session, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id)
    stmt = select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
    order = (IndicatorValue.period_start, IndicatorValue.id)
    return await paginate(session, stmt, order=order, limit=limit, cursor=cursor)


async def create_value(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    data: IndicatorValueCreate,
) -> IndicatorValue:
    await _writable_cycle(session, principal, cycle_id)
    indicator = await get_or_404(session, Indicator, indicator_id, where=(Indicator.cycle_id == cycle_id,))
    if indicator.source is not IndicatorSource.entered:
        raise Conflict(
            translatable(
                "The indicator {code} is computed ({source}): values are entered only for indicators whose source "
                "is entered.",
                code=indicator.code,
                source=indicator.source.value,
            ),
            code="indicator-computed",
            title="Indicator computed",
            field="source",
        )
    return await create_entity(
        session,
        principal=principal,
        entity=VALUE,
        obj=IndicatorValue(indicator_id=indicator_id, **data.model_dump()),
        audit_fields=list(IndicatorValueCreate.model_fields),
    )


async def delete_value(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    value_id: uuid.UUID,
) -> None:
    await _writable_cycle(session, principal, cycle_id)
    await get_or_404(session, Indicator, indicator_id, where=(Indicator.cycle_id == cycle_id,))
    value = await get_or_404(session, IndicatorValue, value_id, where=(IndicatorValue.indicator_id == indicator_id,))
    await delete_entity(session, principal=principal, entity=VALUE, obj=value, expected_version=None)
