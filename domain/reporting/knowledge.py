"""Knowledge gain as donors count it (domain rule 14, issue 22 item 4): unique individuals trained
(who completed a module of the cycle) whose test scores show increased knowledge, by sex and by
agency, beside the denominator: those tested, i.e. having the scores the cycle's definition needs.

A person counts once, whatever the number of modules: increased if so in any of them.

The rule itself is in knowledge_rules.py. The aggregates are counted in the database: two
statements after the scope's look-ups, whatever the data."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Principal
from domain.models.agencies import Agency
from domain.models.attendance import Assessment
from domain.models.cycles import KnowledgeDefinition
from domain.models.enrolment import Nomination, NominationStatus
from domain.reporting import suppression as sdc
from domain.reporting.cycle_results import AGENCY_RULE, PERIOD_RULE, by_sex, nominations, split
from domain.reporting.filters import Scope, agency_group, resolve_scope
from domain.reporting.gender_balance import SUPPRESSION_RULE
from domain.reporting.knowledge_rules import DEFINITIONS, increased_condition, tested_condition
from domain.reporting.schemas import KnowledgeGain
from domain.settings import get_settings

_SPLITS = ("increased", "tested")


def _assessed(scope: Scope, definition: KnowledgeDefinition, *, join_agency: bool) -> Select[Any]:
    """Completed participations of the cycle's modules in scope, with their scores."""
    stmt = nominations(scope, Nomination.status == NominationStatus.completed)
    if join_agency and scope.agency_prefix is None:
        stmt = stmt.join(Agency, Agency.id == Nomination.agency_id)
    return stmt.outerjoin(
        Assessment, and_(Assessment.module_id == Nomination.module_id, Assessment.officer_id == Nomination.officer_id)
    ).add_columns(
        *by_sex("increased", increased_condition(definition)),
        *by_sex("tested", tested_condition(definition)),
    )


def _by_agency(scope: Scope, definition: KnowledgeDefinition) -> Select[Any]:
    key = agency_group(Agency.path, scope.agency_prefix).label("key")
    g = _assessed(scope, definition, join_agency=True).add_columns(key).group_by(key).subquery()
    return (
        select(g, Agency.id.label("agency_id"), Agency.name_en.label("label"))
        .join(Agency, Agency.path == g.c.key)
        .order_by(Agency.name_en, Agency.id)
    )


async def knowledge_gain(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    date_from: date | None = None,
    date_to: date | None = None,
    threshold: int | None = None,
) -> KnowledgeGain:
    scope = await resolve_scope(session, principal, cycle_id=cycle_id, date_from=date_from, date_to=date_to)
    cycle = scope.cycle
    assert cycle is not None  # resolve_scope was given the cycle's id
    definition = cycle.knowledge_definition
    totals = (await session.execute(_assessed(scope, definition, join_agency=False))).mappings().one()
    rows = (await session.execute(_by_agency(scope, definition))).mappings().all()
    doc: dict[str, Any] = {
        "cycle": {
            "id": cycle.id,
            "title": cycle.title,
            "programme_id": cycle.programme_id,
            "time_zone": cycle.time_zone,
            "female_share_target": cycle.female_share_target,
        },
        "period": {"date_from": date_from, "date_to": date_to, "rule": PERIOD_RULE},
        "definition": definition,
        "definition_rule": DEFINITIONS[definition],
        **{name: split(totals, name) for name in _SPLITS},
        "by_agency": [
            {"agency_id": r["agency_id"], "label": r["label"], **{name: split(r, name) for name in _SPLITS}}
            for r in rows
        ],
        "agency_rule": AGENCY_RULE,
        "suppression": {"applied": False, "threshold": None, "rule": "Exact figures."},
    }
    if not scope.exact:
        threshold = threshold or get_settings().report_suppression_threshold
        _suppress(doc, threshold)
        doc["suppression"] = {
            "applied": True,
            "threshold": threshold,
            "rule": SUPPRESSION_RULE.format(t_1=threshold - 1),
        }
    return KnowledgeGain.model_validate(doc)


def _suppress(doc: dict[str, Any], threshold: int) -> None:
    parts = ("female", "male", "total")
    bases: list[tuple[Any, ...]] = [(name,) for name in _SPLITS]
    bases += [("by_agency", i, name) for i in range(len(doc["by_agency"])) for name in _SPLITS]
    paths = [(*b, x) for b in bases for x in parts]
    equations: list[sdc.Equation] = [((*b, "total"), [(*b, "female"), (*b, "male")]) for b in bases]
    if doc["by_agency"]:
        for name in _SPLITS:
            equations += [((name, x), [("by_agency", i, name, x) for i in range(len(doc["by_agency"]))]) for x in parts]
    sdc.withhold(doc, sdc.suppress(sdc.counts_in(doc, paths), equations, threshold))
