"""Reading staff lists, case-step exports and other tables from .xlsx or .csv files.

Pure functions with no ORM. Columns are matched by header name (Vietnamese or English, case- and
accent-insensitive). CSV files saved by Excel on Vietnamese Windows (UTF-8 with BOM, or
Windows-1258) are decoded correctly. Errors carry the row number as the user sees it in Excel
(the header is row 1) and a Vietnamese message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from core.text import fold, nfc

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


@dataclass(frozen=True)
class Column:
    key: str
    headers: Sequence[str]  # accepted header texts; the first is the one written in templates
    required: bool = True


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based as in Excel; 0 for a file-level error
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class TableFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, wrong headers, bad encoding).

    `row` and `column` locate the problem when there is a place to point at (the header row and
    the missing headers); 0 and "" mean the whole file.
    """

    def __init__(self, message: str, *, row: int = 0, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column

    def as_row_error(self) -> RowError:
        return RowError(self.row, self.column, self.message)


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values by key)
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text found


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = (",", ";", "\t")


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1258; the result is NFC-normalised.

    Windows-1258 writes most Vietnamese letters as a base letter plus a combining tone mark;
    NFC turns them into the precomposed letters that UTF-8 files and the database use.
    """
    head = content[:2048]
    if b"\x00" in head and not content.startswith(UTF16_BOMS) and head.count(b"\x00") < len(head) // 4:
        raise TableFileError("Tệp không phải tệp CSV dạng văn bản.")
    if content.startswith(UTF16_BOMS) or b"\x00" in head:
        raise TableFileError(
            "Tệp CSV đang ở bảng mã UTF-16 (Excel gọi là «Unicode Text»), chương trình không đọc được. "
            "Trong Excel hãy chọn Lưu thành «CSV UTF-8 (Comma delimited)» rồi tải lên lại."
        )
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1258" and "\x00" in text:
            break
        return nfc(text)
    raise TableFileError("Không đọc được bảng mã của tệp CSV. Hãy lưu lại tệp dưới dạng CSV UTF-8.")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return nfc(str(value)).strip()


def guess_delimiter(first_line: str) -> str:
    """The separator of the header line: comma, semicolon (Excel with Vietnamese regional settings)
    or tab, whichever occurs most outside quotes; comma when none does."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _iter_csv(content: bytes) -> Iterator[list[str]]:
    text = decode_csv(content)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(first_line), quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=False)
    try:
        yield from reader
    except csv.Error as exc:
        raise TableFileError(f"Tệp CSV bị lỗi định dạng ở dòng {reader.line_num}: {exc}",
                             row=reader.line_num) from exc


XLSX_BROKEN = "Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx."


def _iter_xlsx(content: bytes | BinaryIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A .docx or any other zip renamed .xlsx fails here with one of these.
    unreadable = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, InvalidFileException)
    try:
        source = io.BytesIO(content) if isinstance(content, bytes) else content
        workbook = load_workbook(source, read_only=True, data_only=True)
    except unreadable as exc:
        raise TableFileError(XLSX_BROKEN) from exc
    try:
        if not workbook.worksheets:
            raise TableFileError("Tệp Excel không có trang tính nào.")
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read every row that is really there.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
        except unreadable as exc:
            raise TableFileError(XLSX_BROKEN) from exc
    finally:
        workbook.close()


def iter_raw_rows(content: bytes | BinaryIO, filename: str) -> Iterator[list[str]]:
    """Every row of the first sheet (or of the CSV) as a list of stripped strings.

    `content` is the file's bytes or a seekable binary file; an .xlsx file is then streamed from it
    without being read into memory.
    """
    name = filename.lower()
    if isinstance(content, bytes):
        head = content[:8]
    else:
        content.seek(0)
        head = content.read(8)
        content.seek(0)
    if head.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        if head.startswith(OLE_MAGIC):
            raise TableFileError("Tệp là bảng tính Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
        if not head.startswith(XLSX_MAGIC):
            raise TableFileError("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
        yield from _iter_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        if not isinstance(content, bytes):
            content = content.read()
        if content.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", OLE_MAGIC)):
            raise TableFileError("Tệp không phải tệp CSV dạng văn bản (có vẻ là PDF, ảnh hoặc tệp Excel cũ .xls).")
        yield from (list(map(_cell_text, row)) for row in _iter_csv(content))
    else:
        raise TableFileError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def match_headers(header_row: Sequence[str], columns: Sequence[Column], *,
                  header_row_number: int = 1) -> dict[str, int]:
    """Map each column key to its index in the header row; raise naming the missing headers."""
    folded = [fold(text) for text in header_row]
    positions: dict[str, int] = {}
    for column in columns:
        for alias in column.headers:
            if fold(alias) in folded:
                positions[column.key] = folded.index(fold(alias))
                break
    missing = [column.headers[0] for column in columns if column.required and column.key not in positions]
    if missing:
        raise TableFileError(
            "Dòng tiêu đề thiếu cột bắt buộc: " + ", ".join(f"«{name}»" for name in missing)
            + ". Hãy dùng tệp mẫu tải về từ trang này.",
            row=header_row_number, column=", ".join(missing),
        )
    return positions


def iter_table(content: bytes | BinaryIO, filename: str, columns: Sequence[Column]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {key: text}) for each non-empty data row, streaming (large files stay flat)."""
    rows = iter_raw_rows(content, filename)
    header: list[str] | None = None
    row_number = 0
    for row_number, raw in enumerate(rows, start=1):
        if any(raw):
            header = raw
            break
    if header is None:
        raise TableFileError("Tệp không có dữ liệu.")
    positions = match_headers(header, columns, header_row_number=row_number)
    for number, raw in enumerate(rows, start=row_number + 1):
        if not any(raw):
            continue
        yield number, {key: (raw[index] if index < len(raw) else "") for key, index in positions.items()}


def read_table(content: bytes, filename: str, columns: Sequence[Column]) -> Table:
    """The whole table in memory (for small files such as staff lists)."""
    table = Table()
    table.rows = list(iter_table(content, filename, columns))
    return table


def write_template_xlsx(columns: Sequence[Column], *, example_rows: Sequence[Sequence[Any]] = (),
                        extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> bytes:
    """An .xlsx template with the first header name of each column, optional examples and lookup sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Du lieu"
    sheet.append([column.headers[0] for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in example_rows:
        sheet.append(list(row))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(14, len(column.headers[0]) + 4)
    for title, rows in (extra_sheets or {}).items():
        extra = workbook.create_sheet(title)
        for row in rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
