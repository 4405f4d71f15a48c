"""The first sheet of an XLSX file as rows of values, within limits.

An XLSX file is a zip archive of XML parts, so a few KiB can stand for gigabytes: the archive is
checked from its directory (parts, each part's expanded size and ratio, the total) before any
part is expanded. Python's zipfile never expands a part past the size its directory declares
(a part that lies fails its CRC), so the declared sizes bound the work. Then openpyxl reads the
sheet in read-only mode with the sheet's declared dimension checked and then dropped: left in
place, a declared `A1:XFD1048576` makes openpyxl pad every row to 16,384 cells and yield every
row up to 1,048,576. Every row read counts, blank or not."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from domain.imports.limits import ImportFileError, ParseLimits

# A part smaller than this cannot expand into harm whatever its ratio (small XML parts reach 10).
RATIO_CHECKED_ABOVE = 1 << 20


def check_archive(content: bytes, limits: ParseLimits) -> None:
    """Refuses an archive whose directory promises more than the limits, expanding nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ImportFileError("The XLSX file cannot be read: it is not a zip archive.") from None
    if len(members) > limits.archive_members:
        raise limits.too_large(
            "archive_members", f"The XLSX archive has {len(members)} parts; at most {limits.archive_members} are read."
        )
    total = 0
    for member in members:
        if member.file_size > limits.member_bytes:
            raise limits.too_large(
                "member_bytes",
                f"The XLSX part {member.filename!r} expands to {member.file_size} bytes; "
                f"at most {limits.member_bytes} are read.",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE and ratio > limits.compression_ratio:
            raise limits.too_large(
                "compression_ratio",
                f"The XLSX part {member.filename!r} expands {ratio:.0f} times (a zip bomb?); "
                f"at most {limits.compression_ratio:g} times is read.",
            )
        total += member.file_size
    if total > limits.archive_bytes:
        raise limits.too_large(
            "archive_bytes", f"The XLSX archive expands to {total} bytes; at most {limits.archive_bytes} are read."
        )


def _open_sheet(content: bytes, limits: ParseLimits) -> Any:
    from openpyxl import load_workbook  # the import costs 0.1 s: only when a spreadsheet comes

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except IndexError:
        raise ImportFileError("The XLSX file has no worksheet.") from None
    except (MemoryError, ImportFileError):  # a memory limit is a 413 of its own; ours pass through
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"The XLSX file cannot be read: {exc}.") from None
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > limits.rows_read or columns > limits.columns:
        declared = sheet.calculate_dimension()
        raise limits.too_large(
            "rows_read" if rows > limits.rows_read else "columns",
            f"The sheet declares its size as {declared}; at most {limits.rows_read} rows "
            f"and {limits.columns} columns are read.",
        )
    sheet.reset_dimensions()  # rows as the file has them: no padding to a declared size
    return sheet


def xlsx_rows(content: bytes, limits: ParseLimits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for every row of the first sheet, blank ones included (as ())."""
    check_archive(content, limits)
    sheet = _open_sheet(content, limits)
    number = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            number += 1
            if number > limits.rows_read:
                raise limits.too_large(
                    "rows_read",
                    f"The sheet has more than {limits.rows_read} rows, blank ones included; "
                    "delete the blank rows or split the file.",
                )
            if len(values) > limits.columns:
                raise limits.too_large(
                    "columns", f"Row {number} has cells beyond column {limits.columns}; at most that many are read."
                )
            yield number, values
    except (MemoryError, ImportFileError):
        raise
    except Exception as exc:  # a damaged sheet (a bad cell reference, a missing shared string...)
        raise ImportFileError(f"The XLSX file cannot be read: row {number + 1}: {exc}.") from None
