"""Gender balance (rules 8 and 16): per group, counts by sex at each stage, unique persons and
participations apart, the female share against the target in force, and a totals row.

One statement whatever the data (after the scope's look-ups): the grouped rows with their labels,
then the totals (persons are unique across groups, so the totals are counted again, not added
up), both from one per-officer aggregate (domain/reporting/balance_query.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from domain import collector
from domain.auth.principal import Principal
from domain.enrolment.rules import female_share
from domain.reporting import balance_query
from domain.reporting import suppression as sdc
from domain.reporting.balance_query import STAGES
from domain.reporting.filters import resolve_scope
from domain.reporting.schemas import BalanceFilters, GenderBalanceReport, GroupBy
from domain.settings import get_settings

MEASURES = ("persons", "participations")
SEXES = ("female", "male")
SPLIT = (*SEXES, "total")
SUPPRESSION_RULE = (
    "Counts from 1 to {t_1} are withheld (null), and so is the smallest other count of any sum that would "
    "otherwise give a withheld one away (female + male = total; the groups add up to the totals row). "
    "A share is withheld with its counts. Zeros are shown."
)


async def gender_balance(
    session: AsyncSession, *, principal: Principal, filters: BalanceFilters, threshold: int | None = None
) -> GenderBalanceReport:
    scope = await resolve_scope(
        session,
        principal,
        programme_id=filters.programme_id,
        cycle_id=filters.cycle_id,
        agency_id=filters.agency_id,
        discipline=filters.discipline,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    rows_and_total = (await session.execute(balance_query.statement(scope, filters.group_by))).mappings().all()
    if not scope.exact:
        threshold = threshold or get_settings().report_suppression_threshold
    with collector.paused():  # about 2,000 groups by module: see domain/collector.py
        return _report(rows_and_total, filters, None if scope.exact else threshold)


def _report(
    rows_and_total: Sequence[RowMapping], filters: BalanceFilters, threshold: int | None
) -> GenderBalanceReport:
    """The report document from the statement's rows (the groups, then the totals), suppressed
    when a threshold is given, validated once."""
    *grouped, total = rows_and_total
    rows = [_row(r, str(r["key_id"]), r["label"], *_target(r, filters.group_by)) for r in grouped]
    doc: dict[str, Any] = {
        "group_by": filters.group_by,
        "filters": filters,
        "rows": rows,
        "totals": _row(total, None, "Total", total["weighted_target"], "weighted"),
    }
    doc["suppression"] = {"applied": False, "threshold": None, "rule": "Exact figures."}
    if threshold is not None:
        _suppress(doc, threshold)
        doc["suppression"] = {
            "applied": True,
            "threshold": threshold,
            "rule": SUPPRESSION_RULE.format(t_1=threshold - 1),
        }
        for row in [*doc["rows"], doc["totals"]]:
            _withhold_shares(row)
    return GenderBalanceReport.model_validate(doc)


def _target(r: RowMapping, group_by: GroupBy) -> tuple[float | None, str]:
    if group_by is GroupBy.module:
        return r["module_target"], "module"
    if group_by is GroupBy.cycle:
        return r["cycle_target"], "cycle"
    return r["weighted_target"], "weighted"


def _row(values: RowMapping, key: str | None, label: str, target: float | None, basis: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": key,
        "label": label,
        "target": None if target is None else round(float(target), 4),
        "target_basis": basis,
    }
    for stage in STAGES:
        row[stage] = {}
        for m in MEASURES:
            female, male = values[f"{stage}_{m}_female"], values[f"{stage}_{m}_male"]
            row[stage][m] = {"female": female, "male": male, "total": female + male, "suppressed": []}
    for stage in ("enrolled", "completed"):
        row[f"female_share_{stage}"] = {
            m: female_share(row[stage][m]["female"], row[stage][m]["male"]) for m in MEASURES
        }
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
