"""Reading an import file within limits (domain/imports/parsing.py, xlsx.py): every crafted file of
issue 17 is refused, quickly, naming the limit it would pass; a file that is not rows is refused
naming what is wrong. In-process, without the worker (tests/unit/test_import_reading.py has it)."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from domain.imports.parsing import FileTooLarge, ImportFileError, ParseLimits, parse
from domain.imports.xlsx import check_archive
from tests.crafted_xlsx import (
    MAIN,
    Part,
    dimension_bomb,
    row,
    shared_strings_bomb,
    sheet,
    sparse_rows,
    workbook,
)

LIMITS = ParseLimits.default()


def limits(**changed: float) -> ParseLimits:
    return dataclasses.replace(LIMITS, **changed)


def refused(content: bytes, file_format: str, within: ParseLimits = LIMITS) -> FileTooLarge:
    started = time.perf_counter()
    with pytest.raises(FileTooLarge) as caught:
        parse(content, file_format, within)
    assert time.perf_counter() - started < 2, "refused, but only after reading too much"
    return caught.value


def test_the_defaults_are_the_settings_sized_for_20000_rows():
    assert LIMITS.rows == 20_000 and LIMITS.rows_read >= LIMITS.rows and LIMITS.columns >= 12
    assert LIMITS.text_chars == 32 * 1024 * 1024  # MAX_IMPORT_BYTES


def test_a_declared_dimension_of_the_whole_grid_is_refused_before_a_row_is_read():
    content = dimension_bomb()
    assert len(content) < 2048
    problem = refused(content, "xlsx")
    assert problem.limit == "import_max_rows_read" and "A1:XFD1048576" in str(problem)


def test_blank_rows_count_even_when_the_sheet_declares_no_size():
    problem = refused(sparse_rows(), "xlsx")
    assert problem.limit == "import_max_rows_read" and "blank" in str(problem)


def test_a_row_wider_than_the_limit_is_refused():
    wide = '<row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c><c r="XFD1"><v>1</v></c></row>'
    assert refused(workbook(sheet([wide])), "xlsx").limit == "import_max_columns"


def test_the_archive_is_checked_before_a_part_is_expanded():
    bomb = shared_strings_bomb()  # about 1 MiB that expands to 1 GiB, as in issue 17
    assert len(bomb) < 1_100_000
    problem = refused(bomb, "xlsx")
    assert problem.limit == "import_max_member_bytes" and "sharedStrings.xml" in str(problem)
    # Under the part's limit, its ratio still gives it away; and the sum of the parts counts too.
    assert refused(shared_strings_bomb(4), "xlsx").limit == "import_max_compression_ratio"
    assert refused(shared_strings_bomb(4), "xlsx", limits(compression_ratio=1e9, archive_bytes=3 << 20)).limit == (
        "import_max_archive_bytes"
    )


def test_an_archive_of_too_many_parts_is_refused():
    content = workbook(
        sheet([row(1, "external_id"), row(2, "E-1")]), extra=[Part.of(f"x/{n}.xml", "<x/>") for n in range(20)]
    )
    with pytest.raises(FileTooLarge) as caught:
        check_archive(content, limits(archive_members=10))
    assert caught.value.limit == "import_max_archive_members"


def test_one_long_shared_string_in_every_cell_is_refused_by_the_text_it_makes():
    strings = Part.of(
        "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>external_id</t></si><si><t>{"x" * 1000}</t></si></sst>'
    )
    cells = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{0 if n == 1 else 1}</v></c></row>' for n in range(1, 101))
    content = workbook(sheet([cells]), strings)
    assert len(parse(content, "xlsx", LIMITS)) == 99
    assert refused(content, "xlsx", limits(text_chars=50_000)).limit == "max_import_bytes"


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a zip", b"", workbook(sheet([]))])
def test_a_damaged_or_empty_spreadsheet_is_a_reason_not_a_crash(content):
    with pytest.raises(ImportFileError) as caught:
        parse(content, "xlsx", LIMITS)
    assert not isinstance(caught.value, FileTooLarge)


@pytest.mark.parametrize("length", [32_768, 131_073])  # over ours; over the csv module's own limit
def test_a_csv_cell_over_the_limit_is_refused_naming_its_line(length):
    problem = refused(b"external_id,full_name_ar\nE-1,ok\nE-2," + b"x" * length + b"\n", "csv")
    assert problem.limit == "import_max_cell_chars" and "Line 3" in str(problem)


def test_csv_blank_lines_and_wide_lines_count():
    blank = b"external_id\n" + b"\n" * 30 + b"E-1\n"
    assert refused(blank, "csv", limits(rows_read=20)).limit == "import_max_rows_read"
    assert len(parse(blank, "csv", LIMITS)) == 1
    wide = b"external_id" + b",x" * 300 + b"\nE-1\n"
    assert refused(wide, "csv").limit == "import_max_columns"


def test_json_nested_a_thousand_deep_is_a_reason_not_a_crash():
    deep = b'{"rows": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    with pytest.raises(ImportFileError, match="nested too deeply"):
        parse(deep, "json", LIMITS)
    nested_value = json.dumps({"rows": [{"external_id": [[["E-1"]]]}]}).encode()
    with pytest.raises(ImportFileError, match="must be text, a number"):
        parse(nested_value, "json", LIMITS)


def test_json_rows_within_limits():
    rows = [{"external_id": f"E-{n}"} for n in range(11)]
    assert refused(json.dumps(rows).encode(), "json", limits(rows=10)).limit == "import_max_rows"
    long = json.dumps({"rows": [{"external_id": "E-1", "note": "x" * 40_000}]}).encode()
    assert refused(long, "json").limit == "import_max_cell_chars"
    assert parse(json.dumps(rows).encode(), "json", LIMITS)[10].cells == {"external_id": "E-10"}


def test_an_entity_expansion_bomb_in_a_sheet_is_refused_by_the_xml_parser():
    entities = "".join(f'<!ENTITY e{n + 1} "{f"&e{n};" * 10}">' for n in range(9))
    laughs = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "lol">{entities}]>'
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row>'
    with pytest.raises(ImportFileError, match="amplification"):  # expat refuses 10**9 "lol"s
        parse(workbook(laughs + sheet([cell])), "xlsx", LIMITS)
