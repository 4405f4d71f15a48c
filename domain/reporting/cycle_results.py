"""Cycle results for donors (rule 16): individuals trained and participations by sex and by
agency, increased knowledge (rule 14), activities delivered, training days and person-days,
the female share against the cycle's target, and the per-agency scorecard.

A fixed number of statements whatever the data: the scope's look-ups, then one per figure."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Label, RowMapping, Select, and_, case, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.agencies.tree import in_subtree
from domain.auth.principal import Principal
from domain.enrolment.rules import female_share
from domain.models.agencies import Agency
from domain.models.attendance import Assessment
from domain.models.catalogue import DELIVERED, Discipline, Module, ModuleFormat, TrainingSession
from domain.models.enrolment import ON_ROSTER, Nomination, NominationStatus
from domain.models.officers import Officer, Sex
from domain.reporting import suppression as sdc
from domain.reporting.filters import Scope, agency_group, cycle_module_conditions, resolve_scope
from domain.reporting.gender_balance import SEXES, SUPPRESSION_RULE
from domain.reporting.knowledge_rules import increased_condition, tested_condition
from domain.reporting.localtime import local_date
from domain.reporting.schemas import CycleResults
from domain.reporting.scorecard import scorecard
from domain.settings import get_settings

PERIOD_RULE = (
    "A module counts in the period in which its last session falls (local date in the cycle's time zone), "
    "with all its participants, days and marks; without a period, every module of the cycle counts."
)
AGENCY_RULE = (
    "Each nomination counts under the nominating unit's top-level agency (the first id of the unit's "
    "materialised path). A focal point's figures are grouped by the sub-units directly under their own agency."
)


async def cycle_results(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    date_from: date | None = None,
    date_to: date | None = None,
    threshold: int | None = None,
) -> CycleResults:
    scope = await resolve_scope(session, principal, cycle_id=cycle_id, date_from=date_from, date_to=date_to)
    people = (await session.execute(_people(scope))).mappings().one()
    by_agency = (await session.execute(_by_agency(scope))).mappings().all()
    disciplines = (await session.execute(_by_discipline(scope))).all()
    formats = (await session.execute(_by_format(scope))).all()
    days = (await session.execute(_days(scope))).one()
    card, person_days = await scorecard(session, scope)  # the marks are read once for both
    cycle = scope.cycle
    assert cycle is not None  # resolve_scope was given the cycle's id
    doc: dict[str, Any] = {
        "cycle": {
            "id": cycle.id,
            "title": cycle.title,
            "programme_id": cycle.programme_id,
            "time_zone": cycle.time_zone,
            "female_share_target": cycle.female_share_target,
        },
        "period": {"date_from": date_from, "date_to": date_to, "rule": PERIOD_RULE},
        **{
            name: split(people, name)
            for name in ("individuals_trained", "participations", "knowledge_increased", "assessed")
        },
        "trained_by_agency": [
            {
                "agency_id": r["agency_id"],
                "label": r["label"],
                "persons": split(r, "individuals_trained"),
                "participations": split(r, "participations"),
            }
            for r in by_agency
        ],
        "agency_rule": AGENCY_RULE,
        "activities": {
            "total": sum(n for _, n in formats),
            "by_discipline": [{"key": k, "label": label or k, "activities": n} for k, label, n in disciplines],
            "by_format": [{"key": str(k), "label": str(k).replace("_", " "), "activities": n} for k, n in formats],
        },
        "days": {"training_days": days[0], "calendar_days": days[1], "person_days": person_days or 0, "suppressed": []},
        "scorecard": card,
        "suppression": {"applied": False, "threshold": None, "rule": "Exact figures."},
    }
    trained = doc["individuals_trained"]
    share = female_share(trained["female"], trained["male"])
    doc["female_share"] = {
        "female_share": share,
        "target": cycle.female_share_target,
        "suppressed": [],
        "below_target": None if share is None else share < cycle.female_share_target,
    }
    if not scope.exact:
        threshold = threshold or get_settings().report_suppression_threshold
        _suppress(doc, threshold)
        doc["suppression"] = {
            "applied": True,
            "threshold": threshold,
            "rule": SUPPRESSION_RULE.format(t_1=threshold - 1),
        }
    return CycleResults.model_validate(doc)


def nominations(scope: Scope, *conds: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """Nominations of the cycle's modules in scope, joined to their officer and module."""
    stmt = (
        select()
        .select_from(Nomination)
        .join(Officer, Officer.id == Nomination.officer_id)
        .join(Module, Module.id == Nomination.module_id)
        .where(*cycle_module_conditions(scope), *conds)
    )
    if scope.agency_prefix is not None:
        stmt = stmt.join(Agency, Agency.id == Nomination.agency_id).where(in_subtree(Agency.path, scope.agency_prefix))
    return stmt


def by_sex(prefix: str, cond: ColumnElement[bool] | None = None, *, persons: bool = True) -> list[Label[int]]:
    cols = []
    for sex in SEXES:
        c = Officer.sex == Sex(sex) if cond is None else and_(cond, Officer.sex == Sex(sex))
        value = func.count(distinct(case((c, Nomination.officer_id)))) if persons else func.count(case((c, 1)))
        cols.append(value.label(f"{prefix}_{sex}"))
    return cols


def _people(scope: Scope) -> Select[*tuple[Any, ...]]:
    assert scope.cycle is not None  # the cycle's definition of increased knowledge applies
    definition = scope.cycle.knowledge_definition
    return (
        nominations(scope, Nomination.status == NominationStatus.completed)
        .outerjoin(
            Assessment,
            and_(Assessment.module_id == Nomination.module_id, Assessment.officer_id == Nomination.officer_id),
        )
        .add_columns(
            *by_sex("individuals_trained"),
            *by_sex("participations", persons=False),
            *by_sex("knowledge_increased", increased_condition(definition)),
            *by_sex("assessed", tested_condition(definition)),
        )
    )


def _by_agency(scope: Scope) -> Select[*tuple[Any, ...]]:
    stmt = nominations(scope, Nomination.status == NominationStatus.completed)
    if scope.agency_prefix is None:
        stmt = stmt.join(Agency, Agency.id == Nomination.agency_id)
    key = agency_group(Agency.path, scope.agency_prefix).label("key")
    g = (
        stmt.add_columns(key, *by_sex("individuals_trained"), *by_sex("participations", persons=False))
        .group_by(key)
        .subquery()
    )
    return (
        select(g, Agency.id.label("agency_id"), Agency.name_en.label("label"))
        .join(Agency, Agency.path == g.c.key)
        .order_by(Agency.name_en, Agency.id)
    )


def _delivered(scope: Scope) -> list[ColumnElement[bool]]:
    """Delivered modules in scope; within an agency subtree, those it had a participant in."""
    conds = [*cycle_module_conditions(scope), Module.status.in_(DELIVERED)]
    if scope.agency_prefix is not None:
        conds.append(
            exists(
                select(Nomination.id)
                .join(Agency, Agency.id == Nomination.agency_id)
                .where(
                    Nomination.module_id == Module.id,
                    Nomination.status.in_(ON_ROSTER),
                    in_subtree(Agency.path, scope.agency_prefix),
                )
            )
        )
    return conds


def _by_discipline(scope: Scope) -> Select[str, str | None, int]:
    return (
        select(Module.discipline, Discipline.label_en, func.count(Module.id))
        .select_from(Module)
        .outerjoin(Discipline, Discipline.code == Module.discipline)
        .where(*_delivered(scope))
        .group_by(Module.discipline, Discipline.label_en)
        .order_by(Module.discipline)
    )


def _by_format(scope: Scope) -> Select[ModuleFormat, int]:
    return (
        select(Module.format, func.count(Module.id))
        .where(*_delivered(scope))
        .group_by(Module.format)
        .order_by(Module.format)
    )


def _local_day(scope: Scope) -> ColumnElement[date]:
    assert scope.cycle is not None  # cycle results always have their cycle
    return local_date(scope.dialect, TrainingSession.starts_at, scope.cycle.time_zone, scope.zones)


def _days(scope: Scope) -> Select[int, int]:
    day = _local_day(scope)
    pairs = (
        select(TrainingSession.module_id, day.label("day"))
        .join(Module, Module.id == TrainingSession.module_id)
        .where(*_delivered(scope))
        .distinct()
        .subquery()
    )
    return select(func.count(), func.count(distinct(pairs.c.day))).select_from(pairs)


def split(values: RowMapping, prefix: str) -> dict[str, Any]:
    female, male = values[f"{prefix}_female"], values[f"{prefix}_male"]
    return {"female": female, "male": male, "total": female + male, "suppressed": []}


def _suppress(doc: dict[str, Any], threshold: int) -> None:
    split = ("female", "male", "total")
    paths, equations = [], []
    sums = [(name,) for name in ("individuals_trained", "participations", "knowledge_increased", "assessed")]
    agencies = [
        ("trained_by_agency", i, m) for i in range(len(doc["trained_by_agency"])) for m in ("persons", "participations")
    ]
    for base in [*sums, *agencies]:
        paths += [(*base, x) for x in split]
        equations.append(((*base, "total"), [(*base, "female"), (*base, "male")]))
    for m, total in (("persons", "individuals_trained"), ("participations", "participations")):
        rows = [("trained_by_agency", i, m) for i in range(len(doc["trained_by_agency"]))]
        if rows:
            equations += [((total, x), [(*r, x) for r in rows]) for x in split]
    counts = ("nominated", "enrolled", "completed", "marks_recorded", "attended_marks", "no_show_marks")
    card = [("scorecard", i) for i in range(len(doc["scorecard"]))]
    paths += [(*r, c) for r in card for c in counts] + [("days", "person_days")]
    if card:
        equations.append((("participations", "total"), [(*r, "completed") for r in card]))
    withheld = sdc.suppress(sdc.counts_in(doc, paths), equations, threshold)
    sdc.withhold(doc, withheld)
    for r in card:
        row = doc["scorecard"][r[1]]
        for rate, parts in (
            ("attendance_rate", ("attended_marks", "marks_recorded")),
            ("no_show_rate", ("no_show_marks", "marks_recorded")),
        ):
            if any(row[p] is None for p in parts):
                sdc.withhold(doc, [(*r, rate)])
    trained = doc["individuals_trained"]
    if trained["female"] is None or trained["male"] is None:
        sdc.withhold(doc, [("female_share", "female_share")])
