"""The reports as flat tables (rows and columns) for CSV and XLSX, pure. A withheld cell reads
"suppressed", so that it is never mistaken for a zero or a missing value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain.exports import Column
from domain.reporting.schemas import BalanceRow, CycleResults, GenderBalanceReport, SexSplit

WITHHELD = "suppressed"
STAGES = ("nominated", "enrolled", "attended", "completed")
MEASURES = ("persons", "participations")
SPLIT = ("female", "male", "total")

BALANCE_COLUMNS: list[Column] = [
    ("key", "Key"),
    ("label", "Group"),
    *[(f"{s}_{m}_{x}", f"{s.capitalize()}: {m}, {x}") for s in STAGES for m in MEASURES for x in SPLIT],
    *[(f"share_{s}_{m}", f"Female share of {s} {m}", "percent") for s in ("enrolled", "completed") for m in MEASURES],
    ("target", "Target", "percent"),
    ("target_basis", "Target basis"),
    ("below_target", "Below target"),
]

RESULTS_COLUMNS: list[Column] = [
    ("section", "Section"),
    ("key", "Key"),
    ("label", "Label"),
    ("measure", "Measure"),
    ("female", "Female"),
    ("male", "Male"),
    ("total", "Total"),
    ("value", "Value"),
]


def _cell(obj: Any, field: str) -> Any:
    value = getattr(obj, field)
    return WITHHELD if value is None and field in getattr(obj, "suppressed", ()) else value


def _balance_row(row: BalanceRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": row.key or "",
        "label": row.label,
        "target": row.target,
        "target_basis": row.target_basis,
        "below_target": row.below_target,
    }
    for s in STAGES:
        for m in MEASURES:
            counts = getattr(getattr(row, s), m)
            out |= {f"{s}_{m}_{x}": _cell(counts, x) for x in SPLIT}
    for s in ("enrolled", "completed"):
        shares = getattr(row, f"female_share_{s}")
        out |= {f"share_{s}_{m}": _cell(shares, m) for m in MEASURES}
    return out


def balance_rows(report: GenderBalanceReport) -> list[dict[str, Any]]:
    return [_balance_row(r) for r in [*report.rows, report.totals]]


def _split(
    section: str, split: SexSplit, *, key: Any = "", label: str = "", measure: str = "persons"
) -> dict[str, Any]:
    return {"section": section, "key": key, "label": label, "measure": measure, **{x: _cell(split, x) for x in SPLIT}}


def _value(section: str, measure: str, value: Any, *, key: Any = "", label: str = "") -> dict[str, Any]:
    return {"section": section, "key": key, "label": label, "measure": measure, "value": value}


def _results(r: CycleResults) -> Iterator[dict[str, Any]]:
    yield _value("cycle", "title", r.cycle.title, key=r.cycle.id)
    yield _value("period", "from", r.period.date_from or "")
    yield _value("period", "to", r.period.date_to or "")
    yield _split("individuals_trained", r.individuals_trained)
    yield _split("participations", r.participations, measure="participations")
    yield _split("knowledge_increased", r.knowledge_increased)
    yield _split("assessed", r.assessed)
    for a in r.trained_by_agency:
        yield _split("trained_by_agency", a.persons, key=a.agency_id, label=a.label)
        yield _split("trained_by_agency", a.participations, key=a.agency_id, label=a.label, measure="participations")
    yield _value("activities", "delivered", r.activities.total)
    for d in r.activities.by_discipline:
        yield _value("activities_by_discipline", "delivered", d.activities, key=d.key, label=d.label)
    for f in r.activities.by_format:
        yield _value("activities_by_format", "delivered", f.activities, key=f.key, label=f.label)
    for field in ("training_days", "calendar_days", "person_days"):
        yield _value("days", field, _cell(r.days, field))
    for field in ("female_share", "target", "below_target"):
        yield _value("female_share", field, _cell(r.female_share, field))
    for row in r.scorecard:
        for field in (
            "nominated",
            "enrolled",
            "completed",
            "marks_recorded",
            "attended_marks",
            "no_show_marks",
            "attendance_rate",
            "no_show_rate",
        ):
            yield _value("scorecard", field, _cell(row, field), key=row.agency_id, label=row.label)
    yield _value("suppression", "applied", r.suppression.applied)


def results_rows(report: CycleResults) -> list[dict[str, Any]]:
    return list(_results(report))
