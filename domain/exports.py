"""Tables as files, pure: rows -> CSV bytes (UTF-8 with a BOM, so that Excel shows Arabic) and
rows -> XLSX bytes (openpyxl). Text that a spreadsheet would run as a formula is neutralised:
in CSV a cell beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe;
in XLSX every text is stored as text, never as a formula, with Excel's quote prefix on those.

A column is (key, header) or (key, header, kind); kind "percent" shows a fraction as a
percentage in XLSX. Rows are mappings by column key; None is an empty cell."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Column = tuple[str, str] | tuple[str, str, str]
RISKY = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: str) -> str:
    """OWASP's advice against CSV injection: a leading apostrophe keeps the cell text."""
    return "'" + value if value.startswith(RISKY) else value


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _csv_cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c[1]) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(c[0])) for c in columns])
    return (BOM + out.getvalue()).encode("utf-8")


def _xlsx_cell(ws: WriteOnlyWorksheet, value: Any, kind: str | None, *, bold: bool = False) -> Cell:
    value = _plain(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.isoformat()  # Excel has no time zones: keep the offset as text
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula
        if value.startswith(RISKY):
            cell.quotePrefix = True
    elif kind == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = "0.0%"
    if bold:
        cell.font = Font(bold=True)
    return cell


def to_xlsx(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], *, sheet: str = "Report") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31])
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = max(10, min(48, len(column[1]) + 2))
    ws.append([_xlsx_cell(ws, c[1], None, bold=True) for c in columns])
    for row in rows:
        ws.append([_xlsx_cell(ws, row.get(c[0]), c[2] if len(c) > 2 else None) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
