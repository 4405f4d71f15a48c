"""An uploaded file as rows of text: CSV (UTF-8, a header row), XLSX (the first sheet, a header
row) or JSON rows. Lines are numbered as the user sees them: the header is line 1 in a sheet,
and a JSON row's line is its position (1-based). No database here.

Every read is bounded (domain/imports/limits.py): rows with data, rows read (blank ones count),
cells in a row, characters in a cell, and for XLSX the archive (domain/imports/xlsx.py). The
server never calls parse itself: domain/imports/reading.py runs it in a process of its own, which
bounds the time and the memory too."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.imports.limits import FileTooLarge, ImportFileError, ParseLimits
from domain.imports.xlsx import xlsx_rows

FORMATS = ("csv", "xlsx", "json")
_XLSX_MAGIC = b"PK\x03\x04"
_JSON_START = re.compile(rb"\s*[\[{]")
_SCALARS = (str, int, float, bool, type(None))

__all__ = ["FORMATS", "FileTooLarge", "ImportFileError", "ParseLimits", "RawRow", "detect_format", "parse"]


@dataclass(frozen=True)
class RawRow:
    line: int
    cells: dict[str, str | None]  # normalised header -> text; None for an empty cell


def column_name(header: Any) -> str:
    return re.sub(r"[\s-]+", "_", str(header or "").strip().lower())


def detect_format(filename: str | None, content_type: str | None, content: bytes) -> str:
    name = (filename or "").lower()
    media = (content_type or "").split(";")[0].strip().lower()
    if name.endswith(".xlsx") or "spreadsheetml" in media or content.startswith(_XLSX_MAGIC):
        return "xlsx"
    if name.endswith(".json") or media == "application/json" or _JSON_START.match(content):
        return "json"
    return "csv"


def _text(value: Any) -> str | None:
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


class _Counter:
    """Counts rows as they are read and refuses past the limits: every row read, and rows with data."""

    def __init__(self, limits: ParseLimits):
        self.limits = limits
        self.read = 0
        self.rows = 0

    def row_read(self) -> None:
        self.read += 1
        if self.read > self.limits.rows_read:
            raise self.limits.too_large(
                "rows_read",
                f"The file has more than {self.limits.rows_read} rows, blank ones included; "
                "delete the blank rows or split it.",
            )

    def row_kept(self) -> None:
        self.rows += 1
        if self.rows > self.limits.rows:
            raise self.limits.too_large("rows", f"The file has more than {self.limits.rows} rows; split it.")

    def cells(self, line: int, cells: Sequence[Any]) -> None:
        limits = self.limits
        if len(cells) > limits.columns:
            raise limits.too_large("columns", f"Line {line} has more than {limits.columns} cells.")
        for cell in cells:
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                raise limits.too_large(
                    "cell_chars", f"Line {line} has a cell longer than {limits.cell_chars} characters."
                )


def _csv_lines(content: bytes) -> io.TextIOWrapper:
    """The text decoded as it is read: no second copy of the whole file."""
    return io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")


def _csv(content: bytes, limits: ParseLimits) -> list[RawRow]:
    try:
        sample = _csv_lines(content).read(4096)
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    except UnicodeDecodeError:
        raise ImportFileError("A CSV file must be UTF-8 (save it as 'CSV UTF-8').") from None
    reader = csv.reader(_csv_lines(content), dialect)
    counter = _Counter(limits)
    rows = []
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError("The file is empty: it needs a header row.")
        counter.row_read()
        counter.cells(1, header)
        columns = [column_name(h) for h in header]
        for cells in reader:
            counter.row_read()
            counter.cells(reader.line_num, cells)
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                raise ImportFileError(f"Line {reader.line_num} has more cells than the header has columns.")
            counter.row_kept()
            rows.append(RawRow(reader.line_num, {c: _text(v) for c, v in zip(columns, cells)}))
    except UnicodeDecodeError:
        raise ImportFileError("A CSV file must be UTF-8 (save it as 'CSV UTF-8').") from None
    except csv.Error as exc:
        line = reader.line_num  # the lines read so far, the failing one included
        if "field larger than field limit" in str(exc):  # the csv module's own bound, above ours
            raise limits.too_large(
                "cell_chars", f"Line {line} has a cell longer than {limits.cell_chars} characters."
            ) from None
        raise ImportFileError(f"Line {line} cannot be read as CSV: {exc}.") from None
    return rows


def _xlsx(content: bytes, limits: ParseLimits) -> list[RawRow]:
    lines: Iterator[tuple[int, tuple[Any, ...]]] = xlsx_rows(content, limits)
    counter = _Counter(limits)
    _, header = next(lines, (1, ()))
    if not header or not any(header):
        raise ImportFileError("The first sheet is empty: it needs a header row.")
    counter.cells(1, header)
    columns = [column_name(h) for h in header]
    rows = []
    for number, values in lines:
        counter.cells(number, values)
        if not any(v not in (None, "") for v in values):
            continue
        counter.row_kept()
        values += (None,) * (len(columns) - len(values))  # a row ends at its last cell: as wide as the header
        rows.append(RawRow(number, {c: _text(v) for c, v in zip(columns, values) if c}))
    return rows


def _json_cells(line: int, item: dict[str, Any], counter: _Counter) -> dict[str, str | None]:
    counter.cells(line, list(item.values()))
    counter.cells(line, list(item))  # the keys are cells of a header
    for key, value in item.items():
        if not isinstance(value, _SCALARS):
            raise ImportFileError(f"Row {line}: {key!r} must be text, a number, true, false or null.")
    return {column_name(k): _text(v) for k, v in item.items()}


def _json(content: bytes, limits: ParseLimits) -> list[RawRow]:
    try:
        data = json.loads(content)
    except RecursionError:
        raise ImportFileError("Malformed JSON rows: nested too deeply.") from None
    except ValueError as exc:
        raise ImportFileError(f"Malformed JSON: {exc}.") from None
    items = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportFileError('JSON rows come as {"rows": [{"column": "value", ...}, ...]} or as a list of objects.')
    counter = _Counter(limits)
    if len(items) > limits.rows:
        raise limits.too_large("rows", f"The file has more than {limits.rows} rows; split it.")
    return [RawRow(n, _json_cells(n, item, counter)) for n, item in enumerate(items, start=1)]


def parse(content: bytes, file_format: str, limits: ParseLimits | None = None) -> list[RawRow]:
    if file_format not in FORMATS:
        raise ImportFileError(f"Unknown format {file_format!r}; one of {', '.join(FORMATS)}.")
    limits = limits or ParseLimits.default()
    rows = {"csv": _csv, "xlsx": _xlsx, "json": _json}[file_format](content, limits)
    if not rows:
        raise ImportFileError("The file has a header but no rows.")
    # A sheet can name one long shared string in every cell: its rows may hold no more text than
    # an upload of them as CSV could.
    text = sum(len(v) for row in rows for v in row.cells.values() if v)
    if text > limits.text_chars:
        raise limits.too_large(
            "text_chars", f"The rows hold {text} characters of text; at most {limits.text_chars} are read."
        )
    return rows
