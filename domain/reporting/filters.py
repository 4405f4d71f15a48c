"""A report's resolved scope (what the filters and the principal's reach leave in) and the SQL
conditions every report query adds. Who may see which figures is decided in domain/access/reports.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, SQLColumnExpression

from domain.access import reports as reach
from domain.access.need_to_know import NeedToKnow
from domain.auth.policy import REPORTS_READ, authorize
from domain.auth.principal import Principal
from domain.errors import InvalidInput, NotFound
from domain.i18n import translatable
from domain.models.catalogue import Module, ModuleStatus, TrainingSession
from domain.models.cycles import Cycle
from domain.models.programmes import Programme
from domain.reporting.localtime import Zones, local_date, year_span

# Ids in a materialised path are canonical UUID strings: 36 characters and a slash.
_SEGMENT = 37


@dataclass
class Scope:
    exact: bool
    dialect: str
    programme_ids: frozenset[uuid.UUID] | None = None  # a coordinator's programmes; None: all
    programme_id: uuid.UUID | None = None
    cycle: Cycle | None = None
    discipline: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    agency_prefix: str | None = None  # the agency subtree in force (a filter or a focal point's own)
    zones: Zones = field(default_factory=dict)

    def reach(self) -> NeedToKnow:
        """The need-to-know part of every report query: a coordinator's programmes (the agency
        subtree, when there is one, is added where the query joins the nominating agency)."""
        ids = self.programme_ids
        return NeedToKnow("reports", Cycle.programme_id.in_(ids) if ids is not None else true())

    @property
    def period(self) -> bool:
        return self.date_from is not None or self.date_to is not None


async def resolve_scope(
    session: AsyncSession,
    principal: Principal,
    *,
    programme_id: uuid.UUID | None = None,
    cycle_id: uuid.UUID | None = None,
    agency_id: uuid.UUID | None = None,
    discipline: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Scope:
    """Authorise, check the filters against what the principal may see, and look up what the
    queries need (a fixed number of small queries, whatever the data)."""
    authorize(principal, REPORTS_READ)
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            translatable("The period ends before it starts."),
            errors=[{"field": "to", "message": "must be on or after from"}],
        )
    scope = Scope(
        exact=reach.exact_figures(principal),
        dialect=session.get_bind().dialect.name,
        programme_id=programme_id,
        discipline=discipline,
        date_from=date_from,
        date_to=date_to,
        programme_ids=reach.programmes_covered(principal),
    )
    if programme_id is not None:
        if await session.scalar(select(Programme.id).where(Programme.id == programme_id)) is None:
            raise NotFound(
                translatable("No programme with id {id}.", id=programme_id),
                entity="programmes",
                id=str(programme_id),
            )
        reach.check_programme(principal, programme_id)
    if cycle_id is not None:
        scope.cycle = await session.scalar(select(Cycle).where(Cycle.id == cycle_id))
        if scope.cycle is None:
            raise NotFound(translatable("No cycle with id {id}.", id=cycle_id), entity="cycles", id=str(cycle_id))
        reach.check_programme(principal, scope.cycle.programme_id, what="This cycle's programme")
    scope.agency_prefix = await reach.agency_prefix(session, principal, agency_id)
    if scope.cycle is not None:
        scope.zones = {scope.cycle.time_zone: year_span(scope.cycle.starts_on, scope.cycle.ends_on)}
    elif scope.period and scope.dialect != "postgresql":
        rows = await session.execute(
            select(Cycle.time_zone, func.min(Cycle.starts_on), func.max(Cycle.ends_on)).group_by(Cycle.time_zone)
        )
        scope.zones = {zone: year_span(first, last) for zone, first, last in rows}
    return scope


def agency_group(path_column: SQLColumnExpression[str], prefix: str | None) -> ColumnElement[str]:
    """The path of the agency a nominating unit is reported under: its top-level agency (the
    first id of its path); within an agency subtree, the subtree root's child it belongs to
    (or the root itself for the root's own nominations)."""
    root = prefix or "/"
    return case(
        (func.length(path_column) > len(root), func.substr(path_column, 1, len(root) + _SEGMENT)), else_=path_column
    )


def module_conditions(scope: Scope, *, period: bool = True) -> list[ColumnElement[bool]]:
    """Modules in scope (the query joins Module and Cycle); cancelled modules never count.
    period=False leaves out the period, for a subquery that only needs to cover the modules."""
    conds: list[ColumnElement[bool]] = [Module.status != ModuleStatus.cancelled, scope.reach()]
    if scope.programme_id is not None:
        conds.append(Cycle.programme_id == scope.programme_id)
    if scope.cycle is not None:
        conds.append(Module.cycle_id == scope.cycle.id)
    if scope.discipline is not None:
        conds.append(Module.discipline == scope.discipline)
    if period and scope.period:
        # Not correlated, so that the databases work the set out once, not once per row.
        held, module, cycle = aliased(TrainingSession), aliased(Module), aliased(Cycle)
        day = local_date(scope.dialect, held.starts_at, cycle.time_zone, scope.zones)
        conds.append(
            Module.id.in_(
                select(held.module_id)
                .join(module, module.id == held.module_id)
                .join(cycle, cycle.id == module.cycle_id)
                .where(*_within(scope, day))
            )
        )
    return conds


def cycle_module_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    """Cycle results: the cycle's modules, cancelled ones left out; with a period, those whose
    last session falls in it (a module belongs to one period, so consecutive periods add up)."""
    # The cycle itself was checked against the principal's programmes when the scope was resolved.
    checked = NeedToKnow("reports", true())
    assert scope.cycle is not None  # resolve_scope was given the cycle's id
    conds: list[ColumnElement[bool]] = [
        Module.cycle_id == scope.cycle.id,
        Module.status != ModuleStatus.cancelled,
        checked,
    ]
    if scope.period:
        own = aliased(Module)
        day = local_date(scope.dialect, func.max(TrainingSession.starts_at), scope.cycle.time_zone, scope.zones)
        ended = (
            select(TrainingSession.module_id)
            .join(own, own.id == TrainingSession.module_id)
            .where(own.cycle_id == scope.cycle.id)
            .group_by(TrainingSession.module_id)
            .having(*_within(scope, day))
        )
        conds.append(Module.id.in_(ended))
    return conds


def _within(scope: Scope, day: ColumnElement[date]) -> list[ColumnElement[bool]]:
    conds = []
    if scope.date_from is not None:
        conds.append(day >= scope.date_from)
    if scope.date_to is not None:
        conds.append(day <= scope.date_to)
    return conds
