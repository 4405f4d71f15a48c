"""The report files speak the reader's language: headers and withheld cells in Arabic when asked,
English (the API's very columns) without a language; the same keys and figures either way."""

from domain.exports import to_csv
from domain.reporting import tables
from domain.reporting.schemas import (
    Activities,
    CycleRef,
    CycleResults,
    FemaleShare,
    Period,
    SexSplit,
    Suppression,
    TrainingDays,
)


def test_english_headers_are_the_apis():
    assert tables.balance_columns() == tables.BALANCE_COLUMNS
    assert tables.balance_columns("en") == tables.BALANCE_COLUMNS
    assert tables.results_columns() == tables.RESULTS_COLUMNS
    assert ("enrolled_persons_female", "Enrolled: persons, female") in tables.BALANCE_COLUMNS


def test_arabic_headers_keep_the_keys_and_kinds():
    english, arabic = tables.balance_columns(), tables.balance_columns("ar")
    assert [c[0] for c in arabic] == [c[0] for c in english]
    assert [c[2:] for c in arabic] == [c[2:] for c in english]  # percentages stay percentages
    headers = dict((c[0], c[1]) for c in arabic)
    assert headers["label"] == "المجموعة"
    assert (
        headers["enrolled_persons_female"] == "المسجلة: الأشخاص، إناث" or "إناث" in headers["enrolled_persons_female"]
    )
    assert all(not any("a" <= ch <= "z" for ch in h.lower()) for h in headers.values()), headers
    assert [c[1] for c in tables.results_columns("ar")][:2] == ["القسم", "المعرّف"]


def _results(individuals: SexSplit) -> CycleResults:
    import uuid

    none = SexSplit(female=0, male=0, total=0)
    return CycleResults(
        cycle=CycleRef(id=uuid.uuid4(), title="C", programme_id=uuid.uuid4(), time_zone="UTC", female_share_target=0.3),
        period=Period(rule="r"),
        individuals_trained=individuals,
        participations=none,
        knowledge_increased=none,
        assessed=none,
        trained_by_agency=[],
        agency_rule="r",
        activities=Activities(total=0, by_discipline=[], by_format=[]),
        days=TrainingDays(training_days=0, calendar_days=0, person_days=0),
        female_share=FemaleShare(female_share=None, target=0.3, below_target=None),
        scorecard=[],
        suppression=Suppression(applied=True, threshold=3, rule="r"),
    )


def test_withheld_cells_read_suppressed_in_the_readers_language():
    report = _results(SexSplit(female=None, male=None, total=7, suppressed=["female", "male"]))
    english = tables.results_rows(report)
    arabic = tables.results_rows(report, "ar")
    line = next(r for r in english if r["section"] == "individuals_trained")
    assert (line["female"], line["male"], line["total"]) == ("suppressed", "suppressed", 7)
    line = next(r for r in arabic if r["section"] == "individuals_trained")
    assert (line["female"], line["male"], line["total"]) == ("محجوب", "محجوب", 7)
    assert "suppressed" in tables.results_rows(report)[3].values()  # the language does not stick
    text = to_csv(arabic, tables.results_columns("ar")).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("القسم,")
