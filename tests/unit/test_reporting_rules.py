"""Pure reporting rules: small-cell suppression, local-time offsets, CSV/XLSX writing with
formula neutralising, format negotiation and the SVG chart. No database."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timezone

import openpyxl
import pytest

from domain.exports import neutralise, to_csv, to_xlsx
from domain.reporting import suppression as sdc
from domain.reporting.chart import balance_chart
from domain.reporting.localtime import offset_segments
from domain.reporting.schemas import GenderBalanceReport

# Suppression ---------------------------------------------------------------------------------


def test_primary_suppression_withholds_counts_below_the_threshold_but_not_zeros():
    values = {("a",): 0, ("b",): 1, ("c",): 2, ("d",): 3, ("e",): None}
    assert sdc.primary(values, 3) == {("b",), ("c",)}
    assert sdc.primary(values, 5) == {("b",), ("c",), ("d",)}


def test_a_lone_withheld_cell_in_a_sum_takes_the_smallest_other_part_with_it():
    values = {("t",): 30, ("f",): 1, ("m",): 29}
    assert sdc.suppress(values, [(("t",), [("f",), ("m",)])], 3) == {("f",), ("m",)}


def test_the_total_is_withheld_when_no_other_part_is_left():
    values = {("t",): 5, ("f",): 2}
    assert sdc.suppress(values, [(("t",), [("f",)])], 3) == {("f",), ("t",)}


def test_complements_prefer_non_zero_parts_and_cascade_across_rows_and_columns():
    # Two rows (r1, r2) and a totals row; columns f, m, t.
    v = {
        ("r1", "f"): 1,
        ("r1", "m"): 10,
        ("r1", "t"): 11,
        ("r2", "f"): 0,
        ("r2", "m"): 7,
        ("r2", "t"): 7,
        ("T", "f"): 1,
        ("T", "m"): 17,
        ("T", "t"): 18,
    }
    eqs = [((r, "t"), [(r, "f"), (r, "m")]) for r in ("r1", "r2", "T")]
    eqs += [(("T", c), [("r1", c), ("r2", c)]) for c in ("f", "m", "t")]
    out = sdc.suppress(v, eqs, 3)
    assert ("r1", "f") in out and ("T", "f") in out  # primary
    assert ("r1", "m") in out  # row complement
    for total, parts in eqs:  # no sum is left with exactly one withheld cell
        assert sum(c in out for c in (total, *parts)) != 1, (total, parts)


def test_a_withheld_total_with_no_parts_ends():
    assert sdc.suppress({("t",): 1}, [(("t",), [])], 3) == {("t",)}


def test_withhold_nulls_cells_and_names_them_beside():
    doc = {"rows": [{"counts": {"female": 1, "male": 9, "total": 10, "suppressed": []}}]}
    sdc.withhold(doc, [("rows", 0, "counts", "male"), ("rows", 0, "counts", "female")])
    assert doc["rows"][0]["counts"] == {"female": None, "male": None, "total": 10, "suppressed": ["female", "male"]}


# Local time ----------------------------------------------------------------------------------


def test_baghdad_keeps_one_offset():
    assert offset_segments("Asia/Baghdad", 2024, 2026) == ((None, 10800),)


def test_daylight_saving_changes_are_found_to_the_second():
    segments = offset_segments("Europe/Madrid", 2025, 2025)
    assert segments[0] == (None, 3600)
    assert segments[1] == (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), 7200)
    assert segments[2] == (datetime(2025, 10, 26, 1, 0, tzinfo=UTC), 3600)
    assert offset_segments("No/Such_Zone", 2025, 2025) == ((None, 0),)


# CSV and XLSX --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_looking_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_csv_has_a_bom_keeps_arabic_and_neutralises_cells():
    columns = [("name", "Name"), ("n", "Count"), ("share", "Share", "percent"), ("flag", "Flag")]
    rows = [
        {"name": "وزارة الداخلية", "n": 3, "share": 0.25, "flag": True},
        {"name": "=cmd|' /C calc'!A0", "n": None, "flag": False},
    ]
    body = to_csv(rows, columns)
    assert body[:3] == b"\xef\xbb\xbf"
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table == [
        ["Name", "Count", "Share", "Flag"],
        ["وزارة الداخلية", "3", "0.25", "true"],
        ["'=cmd|' /C calc'!A0", "", "", "false"],
    ]


def test_xlsx_stores_text_as_text_and_reads_back():
    columns = [("name", "Name"), ("share", "Share", "percent")]
    body = to_xlsx(
        [{"name": '=HYPERLINK("x")', "share": 0.3}, {"name": "زينب", "share": None}], columns, sheet="Gender balance"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Gender balance"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Name", "Share"],
        ['=HYPERLINK("x")', 0.3],
        ["زينب", None],
    ]
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["B2"].number_format == "0.0%"


def test_accept_header_is_ranked_by_quality():
    from api.exports import preferred

    tables, charts = ("json", "csv", "xlsx"), ("json", "csv", "xlsx", "svg")
    assert preferred("application/json;q=0.5, text/csv;q=0.9, image/svg+xml;q=0", charts) == "csv"
    assert preferred("image/svg+xml;q=0.2, text/csv;q=0.1", charts) == "svg"
    assert preferred("image/svg+xml", tables) == "json"  # not offered here
    assert preferred("TEXT/CSV", tables) == "csv"
    assert preferred("text/*", tables) == "csv"  # a wildcard range matches what it covers
    assert preferred("text/csv;q=0, */*", tables) == "json"  # refused outright; the rest tie, JSON wins
    assert preferred("text/html, */*;q=0.1", tables) == "json"
    assert preferred("foo, text/csv", tables) == "csv"  # the range that is no media type is skipped
    assert preferred("application/problem+json", tables) == "json"
    assert preferred("", tables) == "json"


# Chart ---------------------------------------------------------------------------------------


def _row(label, female, male, target, *, withheld=False):
    split = {"female": female, "male": male, "total": female + male, "suppressed": []}
    stage = {"persons": split, "participations": split}
    share = None if withheld or female + male == 0 else round(female / (female + male), 4)
    shares = {
        "persons": share,
        "participations": share,
        "suppressed": ["participations", "persons"] if withheld else [],
    }
    return {
        "key": label,
        "label": label,
        "nominated": stage,
        "enrolled": stage,
        "attended": stage,
        "completed": stage,
        "female_share_enrolled": shares,
        "female_share_completed": shares,
        "target": target,
        "target_basis": "module",
        "below_target": None if share is None else share < target,
    }


def test_chart_has_bars_target_lines_labels_and_a_legend():
    report = GenderBalanceReport.model_validate(
        {
            "group_by": "module",
            "filters": {},
            "rows": [
                _row("ILP-1 <Intelligence & policing>", 9, 21, 0.25),
                _row("OSINT-1", 1, 4, 0.3),
                _row("Small", 1, 1, 0.25, withheld=True),
            ],
            "totals": _row("Total", 11, 26, 0.27),
            "suppression": {"applied": True, "threshold": 3, "rule": "r"},
        }
    )
    svg = balance_chart(report)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bars = [e for e in root.iter(f"{ns}rect") if e.get("class") == "bar"]
    assert len(bars) == 3  # the withheld row has no bar
    assert [b.get("fill") for b in bars] == ["#1b7f79", "#d9822b", "#1b7f79"]
    targets = [e for e in root.iter(f"{ns}line") if e.get("class") == "target"]
    assert len(targets) == 4 and all(t.get("stroke-dasharray") == "6 4" for t in targets)
    labels = [e.text for e in root.iter(f"{ns}text") if e.get("class") == "label"]
    assert labels == ["ILP-1 <Intelligence & policing>", "OSINT-1", "Small", "Total"]
    texts = " ".join(e.text or "" for e in root.iter(f"{ns}text"))
    assert "30%" in texts and "20%" in texts and "withheld" in texts and "Target in force" in texts
    # Wider bars for larger shares, on the same scale as the target lines.
    assert float(bars[0].get("width")) > float(bars[1].get("width"))
