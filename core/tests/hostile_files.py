"""Small .xlsx files that would cost a reader gigabytes: built in well under a second, for tests and benches."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<dimension ref="A1:B2"/><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def _skeleton() -> dict[str, bytes]:
    """The parts of a one-sheet workbook as openpyxl writes it, the sheet itself left out."""
    book = Workbook()
    book.active["A1"] = "Mã bước"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "xl/worksheets/sheet1.xml"}


def _zip(parts: dict[str, bytes], sheet: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def far_cell() -> bytes:
    """A header and one value at XFD1048576: a grid of 16384 × 1048576 cells for a reader that sizes by extent."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Mã bước"
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def many_rows(rows: int = 2_000_000, *, referenced: bool = True) -> bytes:
    """`rows` rows of one near-empty cell each, with cell references as Excel writes them or without
    any (as some generators write them)."""
    if referenced:
        body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (row, row) for row in range(1, rows + 1))
    else:
        body = b"<row><c><v>1</v></c></row>" * rows
    return _zip(_skeleton(), SHEET_HEAD + body + SHEET_TAIL)


def _raw_zip(parts: dict[str, bytes], name: str, deflated: bytes, size: int, crc: int) -> bytes:
    """A zip holding `parts` (deflated normally) and one member whose deflate stream is given as is."""
    out = io.BytesIO()
    central = []

    def add(member: str, data: bytes, method: int, crc32: int, plain: int) -> None:
        offset = out.tell()
        encoded = member.encode()
        zip64 = plain >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, plain, len(data)) if zip64 else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (len(data), plain)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0, method, 0, 0x21, crc32,
                              *sizes, len(encoded), len(extra)))
        out.write(encoded + extra + data)
        central.append((encoded, method, crc32, sizes, extra, offset, zip64))

    for member, data in parts.items():
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        add(member, packer.compress(data) + packer.flush(), 8, zlib.crc32(data), len(data))
    add(name, deflated, 8, crc, size)
    start = out.tell()
    for encoded, method, crc32, sizes, extra, offset, zip64 in central:
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if zip64 else 20, 45 if zip64 else 20, 0, method,
                              0, 0x21, crc32, *sizes, len(encoded), len(extra), 0, 0, 0, 0, offset))
        out.write(encoded + extra)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def huge_sheet(size: int = 2 << 30, *, declared: int | None = None) -> bytes:
    """A sheet of `size` bytes once inflated (whitespace after one cell), in a zip of a few MB.

    `declared` is the size written in the zip directory (default: the true size); a smaller one
    makes a zip whose directory lies.
    """
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>')
    head += packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    count = max(1, (size - len(SHEET_HEAD)) // len(block))
    tail = packer.compress(SHEET_TAIL) + packer.flush()
    # The CRC is not computed over gigabytes: a reader refusing by size never gets to check it.
    return _raw_zip(_skeleton(), "xl/worksheets/sheet1.xml", head + repeated * count + tail,
                    declared if declared is not None else size, 0)


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
