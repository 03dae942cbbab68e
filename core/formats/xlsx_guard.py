"""The streaming guard every .xlsx passes before a reader sees it.

A fast reader (python-calamine) builds the whole grid of the sheet in memory, sized by the furthest
cell: a 10 KB file with one value at XFD1048576 asks for hundreds of gigabytes. So before any reader
runs, `xlsx_inspect` looks at the zip directory and makes one streaming pass over the first sheet's
XML (bounded chunks, no DOM, no tree) and refuses — with a Vietnamese message — a file whose
decompressed size, real row count, real column count or cell area (from the cell references
themselves; the declared `<dimension>` is not trusted) exceeds the import's limits, as well as
password-protected, macro-enabled and old .xls files and anything else renamed .xlsx.

Pure functions, no ORM, no Django.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from core.formats.limits import TableLimits

CHUNK = 1 << 20
XLSX_BROKEN = "Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx."
ENCRYPTED = "Tệp Excel đang đặt mật khẩu. Hãy mở tệp, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc) rồi tải lên lại."
MACROS = ("Tệp Excel có chứa macro (.xlsm), chương trình không nhận loại tệp này. "
          "Hãy lưu lại dưới dạng «Sổ làm việc Excel (.xlsx)» rồi tải lên lại.")
OLD_XLS = "Tệp là bảng tính Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
NO_SHEET = "Tệp Excel không có trang tính nào."
# An encrypted .xlsx is an OLE compound file holding a stream of this name (UTF-16).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# Cells that hold something (a self-closing <c .../> is only formatting and is skipped by readers).
CELL_WITH_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=["\']([A-Z]{1,3})(\d{1,9})["\'][^>]*?(?<!/)>')
CELL_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?:\s[^>]*?)?(?<!/)>")
ROW_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?:\s([^>]*?))?(/?)>")
REF = re.compile(rb'\br=["\']([A-Z]{0,3})(\d{0,9})["\']')
SHEET_ENTRY = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?sheet\s[^>]*?\b(?:[A-Za-z_][\w.-]*:)?id=["\']([^"\']+)["\']')
RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
ATTRIBUTE = re.compile(rb'\b(Id|Target|Type)=["\']([^"\']*)["\']')


@dataclass(frozen=True)
class SheetFacts:
    """What the guard found: the first sheet's part, its real extent and the parts' decompressed size."""

    part: str
    rows: int
    columns: int
    xml_bytes: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _number(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def too_many_rows(rows: int, limits: TableLimits) -> str:
    return (f"Trang tính có dữ liệu tới dòng {_number(rows)}, vượt quá giới hạn {_number(limits.rows)} dòng "
            "của một lần nhập. Hãy chia tệp thành nhiều tệp nhỏ hơn, hoặc xóa các dòng trống ở cuối trang tính.")


def too_many_columns(columns: int, limits: TableLimits) -> str:
    return (f"Trang tính có dữ liệu tới cột thứ {_number(columns)}, vượt quá giới hạn {_number(limits.columns)} cột. "
            "Hãy xóa các cột thừa ở bên phải bảng.")


def too_many_cells(rows: int, columns: int, limits: TableLimits) -> str:
    return (f"Vùng dữ liệu của trang tính ({_number(rows)} dòng × {_number(columns)} cột) vượt quá giới hạn "
            f"{_number(limits.cells)} ô của một lần nhập. Hãy xóa các ô thừa ở xa bảng hoặc chia nhỏ tệp.")


def too_big(limits: TableLimits) -> str:
    return (f"Nội dung tệp Excel khi giải nén vượt quá giới hạn {_number(limits.xml_bytes // (1024 * 1024))} MB "
            "của một lần nhập. Hãy chia tệp thành nhiều tệp nhỏ hơn.")


def refuse_ole(head: bytes, source: BinaryIO) -> str:
    """The message for an OLE compound file: a password-protected .xlsx or an old .xls."""
    source.seek(0)
    carry = b""
    while block := source.read(CHUNK):
        if ENCRYPTED_STREAM in carry + block:
            return ENCRYPTED
        carry = block[-len(ENCRYPTED_STREAM):]
    return OLD_XLS


class _Refused(Exception):
    pass


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The path of the first worksheet in the workbook's order (chart sheets are not worksheets)."""
    try:
        workbook = _read_small(archive, "xl/workbook.xml")
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    except KeyError as exc:
        raise _Refused(XLSX_BROKEN) from exc
    targets = {}
    for match in RELATIONSHIP.finditer(rels):
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"Type", b"").endswith(b"/worksheet") and b"Id" in attributes:
            targets[attributes[b"Id"]] = attributes.get(b"Target", b"").decode("utf-8", "replace")
    for match in SHEET_ENTRY.finditer(workbook):
        target = targets.get(match.group(1))
        if target is None:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        return part
    raise _Refused(NO_SHEET)


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 8 << 20) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise _Refused(XLSX_BROKEN)
    with archive.open(info) as handle:
        return handle.read(limit + 1)[:limit]


def _scan_slow(data: bytes, state: list[int]) -> None:
    """Positions of cells and rows written without references (allowed by the format): count them.
    state = [current row, current column, max row, max column]."""
    for match in TAG.finditer(data):
        name, attributes, closed = match.group(1), match.group(2) or b"", match.group(3)
        ref = REF.search(attributes)
        if name == b"row":
            state[0] = int(ref.group(2)) if ref and ref.group(2) else state[0] + 1
            state[1] = 0
            continue
        if ref and ref.group(1):
            state[1] = column_number(ref.group(1))
            if ref.group(2):
                state[0] = int(ref.group(2))
        else:
            state[1] += 1
        if not closed:
            state[2] = max(state[2], state[0])
            state[3] = max(state[3], state[1])


def _scan_sheet(archive: zipfile.ZipFile, part: str, limits: TableLimits, budget: int) -> tuple[int, int, int]:
    """(max row, max column, decompressed bytes) of the cells that hold something, in one streaming
    pass; refuses as soon as a limit is passed."""
    rows = columns = size = 0
    row_elements = 0
    state = [0, 0, 0, 0]
    carry = b""
    with archive.open(part) as handle:
        while True:
            block = handle.read(CHUNK)
            size += len(block)
            if size > budget:
                raise _Refused(too_big(limits))
            data = carry + block
            if block:
                cut = data.rfind(b"<")
                data, carry = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
                if len(carry) > CHUNK:  # one tag longer than a chunk: not a spreadsheet
                    raise _Refused(XLSX_BROKEN)
            else:
                carry = b""
            row_elements += len(ROW_OPEN.findall(data))
            refs = CELL_WITH_REF.findall(data)
            if len(refs) != len(CELL_OPEN.findall(data)):
                _scan_slow(data, state)
                rows, columns = max(rows, state[2]), max(columns, state[3])
            elif refs:
                rows = max(rows, max(map(int, {number for _, number in refs})))
                columns = max(columns, max(map(column_number, {letters for letters, _ in refs})))
                state[0] = int(refs[-1][1])
                state[1] = column_number(refs[-1][0])
            if rows > limits.rows or row_elements > limits.rows:
                raise _Refused(too_many_rows(max(rows, row_elements), limits))
            if columns > limits.columns:
                raise _Refused(too_many_columns(columns, limits))
            if rows * columns > limits.cells:
                raise _Refused(too_many_cells(rows, columns, limits))
            if not block:
                break
    return rows, columns, size


def xlsx_inspect(source: BinaryIO, *, limits: TableLimits) -> SheetFacts:
    """Check an .xlsx (a seekable binary file) against `limits` before any reader parses it.

    Reads the zip directory and the parts a reader parses (workbook, relationships, styles, shared
    strings: their size only; the first worksheet: a streaming pass counting the cells that hold a
    value). Returns the facts; raises `core.formats.tabular.TableFileError` with a Vietnamese message
    naming the limit for a file that is too large, and for password-protected, macro-enabled, old
    .xls or broken files. Memory stays bounded by a few chunks whatever the file claims.
    """
    from core.formats.tabular import TableFileError

    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableFileError(refuse_ole(head, source))
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _Refused(XLSX_BROKEN) from exc
        with archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise _Refused(ENCRYPTED)
            if "xl/vbaProject.bin" in names or any(name.lower().endswith(".bin") and "vba" in name.lower()
                                                   for name in names):
                raise _Refused(MACROS)
            if "[Content_Types].xml" in names and b"macroEnabled" in _read_small(archive, "[Content_Types].xml"):
                raise _Refused(MACROS)
            if "xl/workbook.xml" not in names:
                raise _Refused(XLSX_BROKEN)
            part = _first_sheet_part(archive)
            if part not in names:
                raise _Refused(XLSX_BROKEN)
            # What the reader parses besides the sheet: its declared size is what zipfile (and the
            # reader) will inflate at most, so it is checked without inflating it.
            others = sum(info.file_size for info in infos if info.filename in (
                "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml",
                "[Content_Types].xml"))
            sheet_size = archive.getinfo(part).file_size
            if others + sheet_size > limits.xml_bytes:
                raise _Refused(too_big(limits))
            rows, columns, size = _scan_sheet(archive, part, limits, limits.xml_bytes - others)
    except _Refused as refusal:
        raise TableFileError(str(refusal)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError,
            NotImplementedError) as exc:  # a corrupt stream, a CRC mismatch, an unknown compression
        raise TableFileError(XLSX_BROKEN) from exc
    finally:
        source.seek(0)
    return SheetFacts(part=part, rows=rows, columns=columns, xml_bytes=others + size)
