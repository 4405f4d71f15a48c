"""An import file read by its own worker process (domain/imports/reading.py): the same rows as a
parse in place, refusals as 422 or 413 problems naming the limit, a deadline that kills, and a
memory budget that keeps the server's own memory where it was."""

from __future__ import annotations

import dataclasses
import io
import json
import time
import tracemalloc
from datetime import datetime

import pytest

from domain.errors import InvalidInput, TooLarge
from domain.imports.parsing import ParseLimits, parse
from domain.imports.reading import read_file, wall_clock_backstop
from tests.crafted_xlsx import dimension_bomb, row, sheet, workbook

LIMITS = ParseLimits.default()


def limits(**changed: float) -> ParseLimits:
    return dataclasses.replace(LIMITS, **changed)


async def test_the_worker_reads_the_rows_a_parse_in_place_reads():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["External ID", "Full name AR", "date_of_birth", "rank"])
    book.active.append(["E-1", "علي حسن", datetime(1990, 5, 1), None])
    book.active.append([12345.0, "زينب", None, "Major"])
    path = io.BytesIO()
    book.save(path)
    for content, media in (
        (path.getvalue(), None),
        ("external_id;full_name_ar\nE-1;علي\n\nE-2;\n".encode(), "text/csv"),
        (json.dumps({"rows": [{"external_id": 7, "active": True}]}).encode(), "application/json"),
        (b'{"rows": [{"external_id": "E-\\ud800"}]}', "application/json"),  # a lone surrogate, passed on as read
    ):
        file_format, rows = await read_file(content, None, media, LIMITS)
        assert rows == parse(content, file_format, LIMITS), file_format


async def test_refusals_name_the_limit_or_the_fault():
    with pytest.raises(TooLarge) as too_large:
        await read_file(dimension_bomb(), "officers.xlsx", None, LIMITS)
    assert too_large.value.extra["limit"] == "import_max_rows_read"
    assert too_large.value.extra["errors"][0]["field"] == "file"
    with pytest.raises(InvalidInput) as invalid:
        await read_file(b"\xff\xfe\x00", "officers.csv", "text/csv", LIMITS)
    assert "UTF-8" in invalid.value.detail


async def test_a_parse_past_its_time_is_killed_and_refused():
    # The CPU limit is whole seconds (RLIMIT_CPU): 1 s, against about 3 s of parsing on a quiet
    # machine (20,000 rows parsed in about 0.9 s, too close to the limit to fail for certain).
    rows = [row(n, f"E-{n}", "علي حسن كريم", "male") for n in range(1, 60_001)]
    content = workbook(sheet(rows))
    started = time.monotonic()
    with pytest.raises(TooLarge) as caught:
        await read_file(content, "officers.xlsx", None, limits(seconds=1, rows=100_000))
    assert caught.value.extra["limit"] == "import_parse_seconds"
    assert "s of CPU" in caught.value.detail  # stopped by its CPU time, not by the clock's backstop
    assert time.monotonic() - started < wall_clock_backstop(limits(seconds=1))


async def test_a_parse_past_its_memory_is_refused_and_the_server_keeps_its_own():
    content = b"[" + b"{}," * 1_500_000 + b"{}]"  # 4.5 MB of JSON, about 110 MB of objects
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge) as caught:
            await read_file(content, "rows.json", None, limits(memory_bytes=64 << 20, rows=2_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.extra["limit"] == "import_parse_memory_bytes"
    assert peak < 16 << 20, f"the server process allocated {peak} bytes while the worker parsed"
