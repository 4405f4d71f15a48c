"""The indicator report and the knowledge-gain report as flat tables for CSV and XLSX, pure. A
withheld cell reads "suppressed", never a zero or a blank."""

from __future__ import annotations

from typing import Any

from domain.exports import Column
from domain.indicators.schemas import IndicatorFigure, IndicatorReport
from domain.reporting.schemas import KnowledgeGain, SexSplit
from domain.reporting.tables import WITHHELD

INDICATOR_COLUMNS: list[Column] = [
    ("code", "Code"),
    ("title", "Title"),
    ("unit", "Unit"),
    ("baseline", "Baseline"),
    ("target", "Target"),
    ("current_value", "Current value"),
    ("female", "Female"),
    ("male", "Male"),
    ("denominator", "Denominator"),
    ("disaggregation", "Disaggregation"),
    ("status", "Status"),
    ("data_source", "Data source"),
    ("evidence", "Evidence"),
    ("evidence_url", "Evidence URL"),
    ("period_start", "Period start"),
    ("period_end", "Period end"),
]

KNOWLEDGE_COLUMNS: list[Column] = [
    ("agency", "Agency"),
    ("measure", "Measure"),
    ("female", "Female"),
    ("male", "Male"),
    ("total", "Total"),
]


def _cell(f: IndicatorFigure, field: str) -> Any:
    value = getattr(f, field)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # typed into OPSYS as read: 28, not 28.0
    return WITHHELD if value is None and field in f.suppressed else value


def indicator_rows(report: IndicatorReport) -> list[dict[str, Any]]:
    fields = [key for key, *_ in INDICATOR_COLUMNS if key not in ("period_start", "period_end")]
    period = {"period_start": report.period.period_start or "", "period_end": report.period.period_end or ""}
    return [{**{k: _cell(f, k) for k in fields}, **period} for f in report.indicators]


def _split(agency: str, measure: str, split: SexSplit) -> dict[str, Any]:
    cells = {x: WITHHELD if x in split.suppressed else getattr(split, x) for x in ("female", "male", "total")}
    return {"agency": agency, "measure": measure, **cells}


def knowledge_rows(report: KnowledgeGain) -> list[dict[str, Any]]:
    rows = [_split("All", "increased", report.increased), _split("All", "tested", report.tested)]
    for a in report.by_agency:
        rows += [_split(a.label, "increased", a.increased), _split(a.label, "tested", a.tested)]
    return rows
