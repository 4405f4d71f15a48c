"""Spreadsheets crafted as an attacker would, built in a few milliseconds: the XLSX parts written
by hand into a zip archive (a deflate stream per part), so that a part can expand to a gigabyte
from a kilobyte of repeated, independently compressed segments, as the 997 KiB shared-strings
file of issue 17 did."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Part:
    name: str
    deflated: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, name: str, data: str | bytes) -> Part:
        raw = data.encode() if isinstance(data, str) else data
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return cls(name, packer.compress(raw) + packer.flush(), zlib.crc32(raw), len(raw))

    @classmethod
    def repeated(cls, name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Part:
        """head + block * times + tail, deflated as independent segments (a full flush after
        each): one segment compressed once stands for every repetition."""
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
        segment = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
        last = packer.compress(tail) + packer.flush()
        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(block, crc)
        crc = zlib.crc32(tail, crc)
        return cls(name, first + segment * times + last, crc, len(head) + len(block) * times + len(tail))


def archive(parts: Iterable[Part]) -> bytes:
    """A zip archive of deflated parts (no zip64: each part under 4 GiB)."""
    body, directory = bytearray(), bytearray()
    count = 0
    for part in parts:
        name = part.name.encode()
        sizes = (part.crc, len(part.deflated), part.size, len(name), 0)
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, len(body))
        directory += name
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, *sizes) + name + part.deflated
        count += 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def sheet(rows: Iterable[str], dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    data = "".join(rows)
    return f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{data}</sheetData></worksheet>'


def row(number: int, *texts: str) -> str:
    cells = "".join(
        f'<c r="{COLUMNS[i]}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


def workbook(sheet_xml: str | Part, strings: Part | None = None, extra: Iterable[Part] = ()) -> bytes:
    """An XLSX file of one sheet (and shared strings if given), as Excel lays it out."""
    overrides = f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
    overrides += f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
    relations = f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    if strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
        relations += f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )
    office = f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
    book = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Officers" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    parts = [
        Part.of("[Content_Types].xml", types),
        Part.of("_rels/.rels", f'<Relationships xmlns="{RELS}">{office}</Relationships>'),
        Part.of("xl/workbook.xml", book),
        Part.of("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{relations}</Relationships>'),
        sheet_xml if isinstance(sheet_xml, Part) else Part.of("xl/worksheets/sheet1.xml", sheet_xml),
        *([strings] if strings is not None else []),
        *extra,
    ]
    return archive(parts)


def dimension_bomb() -> bytes:
    """1.6 KiB: a sheet that declares every row and column Excel allows, and fills three cells."""
    return workbook(
        sheet(
            [row(1, "external_id", "full_name_ar"), row(2, "E-1", "علي"), row(1_048_576, "E-2", "حسن")], "A1:XFD1048576"
        )
    )


def sparse_rows() -> bytes:
    """No declared size, but a row at the sheet's last line: a million blank rows in between."""
    return workbook(sheet([row(1, "external_id"), row(2, "E-1"), row(1_048_576, "E-2")]))


def shared_strings_bomb(mib: int = 1024) -> bytes:
    """About 1 MiB whose shared strings expand to `mib` MiB (one string of 'A's)."""
    strings = Part.repeated(
        "xl/sharedStrings.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode(),
        b"A" * (1 << 20),
        mib,
        b"</t></si></sst>",
    )
    return workbook(sheet(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), strings)
