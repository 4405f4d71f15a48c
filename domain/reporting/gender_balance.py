"""Gender balance (rules 8 and 16): per group, counts by sex at each stage, unique persons and
participations apart, the female share against the target in force, and a totals row.

Two statements whatever the data: the grouped rows (with their labels) and the totals (persons
are unique across groups, so the totals are counted again, not added up). Both aggregate in two
levels, per officer and then per group, which is much cheaper than COUNT(DISTINCT) per cell."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.agencies.models import Agency
from domain.agencies.tree import in_subtree
from domain.attendance.models import AttendanceMark, AttendanceStatus
from domain.auth.principal import Principal
from domain.catalogue.models import Discipline, Module, TrainingSession
from domain.cycles.models import Cycle
from domain.enrolment.models import ON_ROSTER, Nomination, NominationStatus
from domain.enrolment.rules import female_share
from domain.officers.models import Officer, Sex
from domain.reporting import suppression as sdc
from domain.reporting.filters import Scope, agency_group, module_conditions, resolve_scope
from domain.reporting.schemas import BalanceFilters, GenderBalanceReport, GroupBy
from domain.settings import get_settings

STAGES = ("nominated", "enrolled", "attended", "completed")
MEASURES = ("persons", "participations")
SEXES = ("female", "male")
SPLIT = (*SEXES, "total")
ATTENDED = (AttendanceStatus.present, AttendanceStatus.late)
SUPPRESSION_RULE = ("Counts from 1 to {t_1} are withheld (null), and so is the smallest other count of any sum that would "
                    "otherwise give a withheld one away (female + male = total; the groups add up to the totals row). "
                    "A share is withheld with its counts. Zeros are shown.")


async def gender_balance(session: AsyncSession, *, principal: Principal, filters: BalanceFilters,
                         threshold: int | None = None) -> GenderBalanceReport:
    scope = await resolve_scope(session, principal, programme_id=filters.programme_id, cycle_id=filters.cycle_id,
                                agency_id=filters.agency_id, discipline=filters.discipline,
                                date_from=filters.date_from, date_to=filters.date_to)
    facts = _facts(scope, filters.group_by)
    grouped = (await session.execute(_grouped(_per_person(facts, by_group=True), filters.group_by))).mappings().all()
    total = (await session.execute(select(*_aggregates(_per_person(facts, by_group=False))))).mappings().one()
    rows = [_row(r, str(r["key_id"]), r["label"], *_target(r, filters.group_by)) for r in grouped]
    doc: dict[str, Any] = {"group_by": filters.group_by, "filters": filters, "rows": rows,
                           "totals": _row(total, None, "Total", total["weighted_target"], "weighted")}
    doc["suppression"] = {"applied": False, "threshold": None, "rule": "Exact figures."}
    if not scope.exact:
        threshold = threshold or get_settings().report_suppression_threshold
        _suppress(doc, threshold)
        doc["suppression"] = {"applied": True, "threshold": threshold, "rule": SUPPRESSION_RULE.format(t_1=threshold - 1)}
        for row in [*doc["rows"], doc["totals"]]:
            _withhold_shares(row)
    return GenderBalanceReport.model_validate(doc)


def _facts(scope: Scope, group_by: GroupBy):
    """One row per nomination in scope: the group key, the officer, sex, stage flags, targets."""
    seated = Nomination.status.in_(ON_ROSTER)
    # Who attended at least once, per module in scope: a join, which the planners estimate well.
    present = (select(TrainingSession.module_id.label("module_id"), AttendanceMark.officer_id.label("officer_id"))
               .select_from(AttendanceMark).join(TrainingSession, TrainingSession.id == AttendanceMark.session_id)
               .join(Module, Module.id == TrainingSession.module_id).join(Cycle, Cycle.id == Module.cycle_id)
               .where(AttendanceMark.status.in_(ATTENDED), *module_conditions(scope, period=False))
               .group_by(TrainingSession.module_id, AttendanceMark.officer_id).subquery("present"))
    attended = and_(seated, present.c.module_id.is_not(None))
    keys = {GroupBy.module: Module.id, GroupBy.cycle: Module.cycle_id, GroupBy.discipline: Module.discipline,
            GroupBy.agency: agency_group(Agency.path, scope.agency_prefix)}
    target = func.coalesce(Module.female_share_target, Cycle.female_share_target)
    stmt = (
        select(keys[group_by].label("key"), Nomination.officer_id.label("officer_id"), Officer.sex.label("sex"),
               case((seated, 1), else_=0).label("enrolled"), case((attended, 1), else_=0).label("attended"),
               case((Nomination.status == NominationStatus.completed, 1), else_=0).label("completed"),
               target.label("target"), case((seated, target), else_=0.0).label("seated_target"),
               Cycle.female_share_target.label("cycle_target"))
        .select_from(Nomination)
        .join(Officer, Officer.id == Nomination.officer_id)
        .join(Module, Module.id == Nomination.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .outerjoin(present, and_(present.c.module_id == Nomination.module_id, present.c.officer_id == Nomination.officer_id))
        .where(*module_conditions(scope))
    )
    if group_by is GroupBy.agency or scope.agency_prefix is not None:
        stmt = stmt.join(Agency, Agency.id == Nomination.agency_id)
    if scope.agency_prefix is not None:
        stmt = stmt.where(in_subtree(Agency.path, scope.agency_prefix))
    return stmt.subquery("facts")


def _per_person(f, *, by_group: bool):
    """One row per officer (per group): how many of their nominations reached each stage. Counting
    these rows gives unique persons, summing them participations: no COUNT(DISTINCT) needed."""
    keys = [f.c.key] if by_group else []
    return (select(*keys, f.c.officer_id, f.c.sex, func.count().label("nominated"),
                   *[func.sum(f.c[stage]).label(stage) for stage in STAGES[1:]],
                   func.sum(f.c.target).label("target_sum"), func.sum(f.c.seated_target).label("seated_target_sum"),
                   func.max(f.c.target).label("module_target"), func.max(f.c.cycle_target).label("cycle_target"))
            .group_by(*keys, f.c.officer_id, f.c.sex).subquery("per_person"))


def _aggregates(p) -> list:
    cols = []
    for stage in STAGES:
        for sex in SEXES:
            is_sex = p.c.sex == Sex(sex)
            cols.append(func.count(case((and_(is_sex, p.c[stage] > 0), 1))).label(f"{stage}_persons_{sex}"))
            cols.append(cast(func.coalesce(func.sum(case((is_sex, p.c[stage]), else_=0)), 0), Integer).label(f"{stage}_participations_{sex}"))
    # The targets in force, weighted by enrolled participations (by all nominations when none is enrolled).
    weighted = func.coalesce(func.sum(p.c.seated_target_sum) / func.nullif(func.sum(p.c.enrolled), 0),
                             func.sum(p.c.target_sum) / func.nullif(func.sum(p.c.nominated), 0))
    return [*cols, weighted.label("weighted_target")]


def _grouped(p, group_by: GroupBy):
    g = (select(p.c.key, *_aggregates(p), func.max(p.c.module_target).label("module_target"),
                func.max(p.c.cycle_target).label("cycle_target")).group_by(p.c.key).subquery("g"))
    if group_by is GroupBy.module:
        stmt = select(g, Module.id.label("key_id"), (Module.code + " — " + Module.title).label("label")).join(Module, Module.id == g.c.key)
    elif group_by is GroupBy.cycle:
        stmt = select(g, Cycle.id.label("key_id"), Cycle.title.label("label")).join(Cycle, Cycle.id == g.c.key)
    elif group_by is GroupBy.agency:
        stmt = select(g, Agency.id.label("key_id"), Agency.name_en.label("label")).join(Agency, Agency.path == g.c.key)
    else:
        stmt = (select(g, g.c.key.label("key_id"), func.coalesce(Discipline.label_en, g.c.key).label("label"))
                .outerjoin(Discipline, Discipline.code == g.c.key))
    return stmt.order_by("label", "key_id")


def _target(r: Mapping[str, Any], group_by: GroupBy) -> tuple[float | None, str]:
    if group_by is GroupBy.module:
        return r["module_target"], "module"
    if group_by is GroupBy.cycle:
        return r["cycle_target"], "cycle"
    return r["weighted_target"], "weighted"


def _row(values: Mapping[str, Any], key: str | None, label: str, target: float | None, basis: str) -> dict[str, Any]:
    row: dict[str, Any] = {"key": key, "label": label, "target": None if target is None else round(float(target), 4),
                           "target_basis": basis}
    for stage in STAGES:
        row[stage] = {}
        for m in MEASURES:
            female, male = values[f"{stage}_{m}_female"], values[f"{stage}_{m}_male"]
            row[stage][m] = {"female": female, "male": male, "total": female + male, "suppressed": []}
    for stage in ("enrolled", "completed"):
        row[f"female_share_{stage}"] = {m: female_share(row[stage][m]["female"], row[stage][m]["male"]) for m in MEASURES}
        row[f"female_share_{stage}"]["suppressed"] = []
    share = row["female_share_enrolled"]["participations"]
    row["below_target"] = None if share is None or row["target"] is None else share < row["target"]
    return row


def _suppress(doc: dict[str, Any], threshold: int) -> None:
    rows = [("rows", i) for i in range(len(doc["rows"]))]
    paths, equations = [], []
    for r in [*rows, ("totals",)]:
        for stage in STAGES:
            for m in MEASURES:
                paths += [(*r, stage, m, x) for x in SPLIT]
                equations.append(((*r, stage, m, "total"), [(*r, stage, m, "female"), (*r, stage, m, "male")]))
    if rows:
        for stage in STAGES:
            for m in MEASURES:
                for x in SPLIT:
                    equations.append((("totals", stage, m, x), [(*r, stage, m, x) for r in rows]))
    withheld = sdc.suppress(sdc.counts_in(doc, paths), equations, threshold)
    sdc.withhold(doc, withheld)


def _withhold_shares(row: dict[str, Any]) -> None:
    """A share reveals its counts: withheld whenever one of them is."""
    for stage in ("enrolled", "completed"):
        shares = row[f"female_share_{stage}"]
        for m in MEASURES:
            if row[stage][m]["female"] is None or row[stage][m]["male"] is None:
                shares[m] = None
                shares["suppressed"] = sorted({*shares["suppressed"], m})
