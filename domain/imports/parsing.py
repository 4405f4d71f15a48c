"""An uploaded file as rows of text: CSV (UTF-8, a header row), XLSX (the first sheet, a header
row) or JSON rows. Lines are numbered as the user sees them: the header is line 1 in a sheet,
and a JSON row's line is its position (1-based). No database here."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

MAX_ROWS = 20_000
FORMATS = ("csv", "xlsx", "json")
_XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(ValueError):
    """The file cannot be read as rows; the message says why."""


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
    if name.endswith(".json") or media == "application/json" or content.lstrip()[:1] in (b"{", b"["):
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


def _check_size(count: int) -> None:
    if count > MAX_ROWS:
        raise ImportFileError(f"The file has more than {MAX_ROWS} rows; split it.")


def _csv(content: bytes) -> list[RawRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("A CSV file must be UTF-8 (save it as 'CSV UTF-8').") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise ImportFileError("The file is empty: it needs a header row.")
    columns = [column_name(h) for h in header]
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            raise ImportFileError(f"Line {reader.line_num} has more cells than the header has columns.")
        rows.append(RawRow(reader.line_num, {c: _text(v) for c, v in zip(columns, cells)}))
        _check_size(len(rows))
    return rows


def _xlsx(content: bytes) -> list[RawRow]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"The XLSX file cannot be read: {exc}.") from None
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if not header or not any(header):
        raise ImportFileError("The first sheet is empty: it needs a header row.")
    columns = [column_name(h) for h in header]
    rows = []
    for number, values in enumerate(lines, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        rows.append(RawRow(number, {c: _text(v) for c, v in zip(columns, values) if c}))
        _check_size(len(rows))
    return rows


def _json(content: bytes) -> list[RawRow]:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise ImportFileError(f"Malformed JSON: {exc}.") from None
    items = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportFileError('JSON rows come as {"rows": [{"column": "value", ...}, ...]} or as a list of objects.')
    _check_size(len(items))
    return [RawRow(n, {column_name(k): _text(v) for k, v in item.items()}) for n, item in enumerate(items, start=1)]


def parse(content: bytes, file_format: str) -> list[RawRow]:
    if file_format not in FORMATS:
        raise ImportFileError(f"Unknown format {file_format!r}; one of {', '.join(FORMATS)}.")
    rows = {"csv": _csv, "xlsx": _xlsx, "json": _json}[file_format](content)
    if not rows:
        raise ImportFileError("The file has a header but no rows.")
    return rows
