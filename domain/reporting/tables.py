"""The reports as flat tables (rows and columns) for CSV and XLSX, pure. A withheld cell reads
"suppressed", so that it is never mistaken for a zero or a missing value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from domain import i18n
from domain.exports import Column
from domain.i18n import N_
from domain.reporting.schemas import BalanceRow, CycleResults, GenderBalanceReport, SexSplit

WITHHELD = "suppressed"
STAGES = ("nominated", "enrolled", "attended", "completed")
MEASURES = ("persons", "participations")
SPLIT = ("female", "male", "total")

# The headers' words, in the catalogue: the files speak the reader's language (balance_columns(lang),
# results_columns(lang)); without one, English, as the API answers.
STAGE_WORDS = {
    "nominated": N_("Nominated"),
    "enrolled": N_("Enrolled"),
    "attended": N_("Attended"),
    "completed": N_("Completed"),
}
SHARE_WORDS = {"enrolled": N_("enrolled"), "completed": N_("completed")}
MEASURE_WORDS = {"persons": N_("persons"), "participations": N_("participations")}
SPLIT_WORDS = {"female": N_("female"), "male": N_("male"), "total": N_("total")}
HEADER = N_("{stage}: {measure}, {split}")
SHARE_HEADER = N_("Female share of {stage} {measure}")
WITHHELD_WORD = N_("suppressed")
Translate = Callable[[str], str]


def _english(msgid: str) -> str:
    return msgid


def _balance_columns(t: Translate) -> list[Column]:
    return [
        ("key", t(N_("Key"))),
        ("label", t(N_("Group"))),
        *[
            (
                f"{s}_{m}_{x}",
                t(HEADER).format(stage=t(STAGE_WORDS[s]), measure=t(MEASURE_WORDS[m]), split=t(SPLIT_WORDS[x])),
            )
            for s in STAGES
            for m in MEASURES
            for x in SPLIT
        ],
        *[
            (f"share_{s}_{m}", t(SHARE_HEADER).format(stage=t(SHARE_WORDS[s]), measure=t(MEASURE_WORDS[m])), "percent")
            for s in ("enrolled", "completed")
            for m in MEASURES
        ],
        ("target", t(N_("Target")), "percent"),
        ("target_basis", t(N_("Target basis"))),
        ("below_target", t(N_("Below target"))),
    ]


def _results_columns(t: Translate) -> list[Column]:
    return [
        ("section", t(N_("Section"))),
        ("key", t(N_("Key"))),
        ("label", t(N_("Label"))),
        ("measure", t(N_("Measure"))),
        ("female", t(N_("Female"))),
        ("male", t(N_("Male"))),
        ("total", t(N_("Total"))),
        ("value", t(N_("Value"))),
    ]


BALANCE_COLUMNS: list[Column] = _balance_columns(_english)
RESULTS_COLUMNS: list[Column] = _results_columns(_english)


def _in(lang: str | None) -> Translate:
    return _english if lang is None else (lambda msgid: i18n.gettext(lang, msgid))


def balance_columns(lang: str | None = None) -> list[Column]:
    """The gender-balance table's columns, headed in `lang` (English without one)."""
    return _balance_columns(_in(lang))


def results_columns(lang: str | None = None) -> list[Column]:
    """The cycle results' columns, headed in `lang` (English without one)."""
    return _results_columns(_in(lang))


def withheld_word(lang: str | None = None) -> str:
    """What a withheld cell reads: "suppressed", in `lang`."""
    return _in(lang)(WITHHELD_WORD)


_withheld: ContextVar[str] = ContextVar("withheld", default=WITHHELD)


def _cell(obj: Any, field: str) -> Any:
    value = getattr(obj, field)
    return _withheld.get() if value is None and field in getattr(obj, "suppressed", ()) else value


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


def balance_rows(report: GenderBalanceReport, lang: str | None = None) -> list[dict[str, Any]]:
    """One line per group and the totals; a withheld cell reads "suppressed" (in `lang`)."""
    token = _withheld.set(withheld_word(lang))
    try:
        return [_balance_row(r) for r in [*report.rows, report.totals]]
    finally:
        _withheld.reset(token)


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


def results_rows(report: CycleResults, lang: str | None = None) -> list[dict[str, Any]]:
    """The cycle results as (section, key, label, measure, figures) lines; "suppressed" in `lang`."""
    token = _withheld.set(withheld_word(lang))
    try:
        return list(_results(report))
    finally:
        _withheld.reset(token)
