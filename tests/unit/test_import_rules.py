"""Import planning rules and file parsing, without a database."""

from __future__ import annotations

import io
import json
import uuid

import pytest

from domain.imports.parsing import FileTooLarge, ImportFileError, ParseLimits, RawRow, detect_format, parse
from domain.imports.rules import AgencyIndex, brake, diff, for_create, plan_hash, read_row

AGENCY = uuid.uuid4()
INDEX = AgencyIndex(ids={AGENCY}, codes={"moi": [AGENCY]})


def row(**cells) -> RawRow:
    return RawRow(2, {"external_id": "E-1"} | cells)


def test_a_row_is_validated_by_the_officers_schema_and_problems_name_column_and_rule():
    reading = read_row(
        row(full_name_ar="Ali", sex="unknown", email="nope"),
        key_column="external_id",
        empty_cells="keep",
        agencies=INDEX,
    )
    assert {(p["column"], p["rule"]) for p in reading.problems} == {
        ("full_name_ar", "invalid-value"),
        ("sex", "invalid-value"),
        ("email", "invalid-value"),
    }


def test_sex_words_agency_codes_and_arabic_nfc():
    decomposed = "علي حسن إ".replace("إ", "\u0627\u0655")  # an alef with hamza below, decomposed
    reading = read_row(
        row(full_name_ar=decomposed, sex="F", agency_code="MoI", name_latin="Ali"),
        key_column="external_id",
        empty_cells="keep",
        agencies=INDEX,
    )
    assert reading.problems == []
    assert reading.values["sex"] == "female" and reading.values["agency_id"] == str(AGENCY)
    assert reading.values["full_name_ar"].endswith("إ")


def test_unknown_agency_and_missing_key():
    reading = read_row(
        RawRow(3, {"agency_code": "other"}), key_column="external_id", empty_cells="keep", agencies=INDEX
    )
    assert {p["rule"] for p in reading.problems} == {"key-missing", "unknown-agency"}


def test_empty_cells_keep_or_clear_and_required_ones_cannot_be_cleared():
    kept = read_row(row(rank=None), key_column="external_id", empty_cells="keep", agencies=INDEX)
    assert kept.cleared == set() and kept.problems == []
    cleared = read_row(row(rank=None, sex=None), key_column="external_id", empty_cells="clear", agencies=INDEX)
    assert cleared.cleared == {"rank"} and [p["rule"] for p in cleared.problems] == ["cannot-clear"]


def test_diff_gives_before_and_after_of_what_really_changes():
    reading = read_row(
        row(rank="Major", job_title=None, name_latin="Ali"),
        key_column="external_id",
        empty_cells="clear",
        agencies=INDEX,
    )
    current = {"rank": "Captain", "job_title": "Analyst", "name_latin": "Ali"}
    assert diff(current, reading) == {"rank": ["Captain", "Major"], "job_title": ["Analyst", None]}


def test_a_new_officer_needs_the_required_fields_and_defaults_to_the_importers_agency():
    reading = read_row(
        row(full_name_ar="علي", name_latin="Ali", sex="male"),
        key_column="external_id",
        empty_cells="keep",
        agencies=INDEX,
    )
    assert [p["column"] for p in for_create(reading, None)] == ["agency_id"]
    assert for_create(reading, AGENCY) == [] and reading.values["agency_id"] == str(AGENCY)


@pytest.mark.parametrize(
    ("gone", "active", "threshold", "force", "refused"),
    [
        (1, 10, 0.10, False, False),
        (2, 10, 0.10, False, True),
        (2, 10, 0.10, True, False),
        (3, 0, 0.10, False, True),
        (0, 0, 0.10, False, False),
        (5, 10, 0.5, False, False),
    ],
)
def test_the_deactivation_brake(gone, active, threshold, force, refused):
    assert (brake(gone, active, threshold, force) is not None) is refused


def test_the_plan_hash_covers_rows_and_their_planned_versions():
    rows = [
        {
            "line": 2,
            "action": "update",
            "target_id": "x",
            "planned_version": 3,
            "values": None,
            "changes": {"rank": [1, 2]},
        }
    ]
    other = [dict(rows[0], planned_version=4)]
    assert plan_hash({"a": 1}, rows) == plan_hash({"a": 1}, [dict(rows[0])])
    assert plan_hash({"a": 1}, rows) != plan_hash({"a": 1}, other) != plan_hash({"a": 2}, rows)


def test_csv_lines_count_the_header_and_skip_blank_lines():
    content = "\ufeffExternal ID;Full Name AR\nE-1;علي\n\nE-2;\n".encode()
    rows = parse(content, "csv")
    assert [(r.line, r.cells) for r in rows] == [
        (2, {"external_id": "E-1", "full_name_ar": "علي"}),
        (4, {"external_id": "E-2", "full_name_ar": None}),
    ]


def test_xlsx_and_json_rows():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["external_id", "date_of_birth", "rank"])
    book.active.append([12345.0, __import__("datetime").datetime(1990, 5, 1), None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert detect_format("x.bin", None, buffer.getvalue()) == "xlsx"
    assert parse(buffer.getvalue(), "xlsx")[0].cells == {
        "external_id": "12345",
        "date_of_birth": "1990-05-01",
        "rank": None,
    }
    content = json.dumps({"rows": [{"External_Id": 7, "active": True}]}).encode()
    assert detect_format(None, "application/json", content) == "json"
    assert parse(content, "json") == [RawRow(1, {"external_id": "7", "active": "true"})]


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00", b"a,b\n", b"a\n1,2\n"])
def test_unreadable_csv_is_refused_with_a_reason(content):
    with pytest.raises(ImportFileError):
        parse(content, "csv")


def test_more_than_the_maximum_rows_is_refused():
    limits = ParseLimits.default()
    content = ("external_id\n" + "\n".join(str(n) for n in range(limits.rows + 1))).encode()
    with pytest.raises(FileTooLarge, match=f"more than {limits.rows} rows") as refused:
        parse(content, "csv")
    assert refused.value.limit == "import_max_rows"
