"""Reading staff lists, case-step exports and other tables from .xlsx or .csv files.

Pure functions with no ORM; messages go through Django's gettext. Columns are matched by header
name (Vietnamese or English, case- and accent-insensitive). CSV files saved by Excel on Vietnamese
Windows (UTF-8 with BOM, or Windows-1258) are decoded correctly. Errors carry the row number as the
user sees it in Excel (the header is row 1) and a message: an English msgid translated when raised (Vietnamese in the
root `locale/vi`, the default language).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formats import xlsx_guard
from core.formats.limits import TableLimits, table_limits
from core.formats.xlsx_guard import too_many_columns, too_many_rows
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


def row_errors_keep(kept: list[dict[str, Any]], errors: Sequence[RowError], *, limit: int) -> list[dict[str, Any]]:
    """The errors an import stores: `kept` and as many of `errors` as fit under `limit` (its
    `TableLimits.errors`); the import counts every error and shows "…and N more errors" for the rest."""
    room = limit - len(kept)
    return [*kept, *(error.as_dict() for error in errors[:room])] if room > 0 else kept


class TableFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, wrong headers, bad encoding).

    `row` and `column` locate the problem when there is a place to point at (the header row and
    the missing headers); 0 and "" mean the whole file.
    """

    def __init__(self, message: str, *, row: int = 0, column: str = ""):
        message = str(message)  # a lazy message becomes text in the language active now
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
CSV_BLOCK = 1 << 20
# Messages translated when raised (`TableFileError` keeps the text in the language then active).
NOT_CSV = gettext_lazy("The file is not a plain-text CSV file.")
CSV_UTF16 = gettext_lazy("The CSV file is encoded in UTF-16 (Excel calls it «Unicode Text»), which the program "
                         "cannot read. In Excel choose Save as «CSV UTF-8 (Comma delimited)» and upload it again.")
CSV_ENCODING = gettext_lazy("The encoding of the CSV file could not be read. Save the file again as CSV UTF-8.")


def _csv_head_check(head: bytes) -> None:
    if b"\x00" in head and not head.startswith(UTF16_BOMS) and head.count(b"\x00") < len(head) // 4:
        raise TableFileError(NOT_CSV)
    if head.startswith(UTF16_BOMS) or b"\x00" in head:
        raise TableFileError(CSV_UTF16)


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1258; the result is NFC-normalised.

    Windows-1258 writes most Vietnamese letters as a base letter plus a combining tone mark;
    NFC turns them into the precomposed letters that UTF-8 files and the database use.
    """
    _csv_head_check(content[:2048])
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1258" and "\x00" in text:
            break
        return nfc(text)
    raise TableFileError(CSV_ENCODING)


def csv_encoding(source: BinaryIO) -> str:
    """The encoding of a CSV file read block by block (memory stays flat): "utf-8-sig" when the whole
    file is valid UTF-8, otherwise "cp1258". Refuses UTF-16 and binary files like `decode_csv`."""
    import codecs

    source.seek(0)
    _csv_head_check(source.read(2048))
    source.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8-sig"
    while block := source.read(CSV_BLOCK):
        if b"\x00" in block:
            raise TableFileError(CSV_ENCODING)
        if encoding == "utf-8-sig":
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                encoding = "cp1258"
    if encoding == "utf-8-sig":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1258"
    source.seek(0)
    return encoding


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


def _iter_csv(source: BinaryIO, limits: TableLimits) -> Iterator[list[str]]:
    """Rows of a CSV file decoded as they are read (never the whole text in memory)."""
    encoding = csv_encoding(source)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        first_line = ""
        buffered = []
        for line in text:
            buffered.append(line)
            if line.strip():
                first_line = line
                break
        lines = itertools.chain(buffered, text)
        reader = csv.reader(lines, delimiter=guess_delimiter(first_line), quotechar='"', doublequote=True,
                            skipinitialspace=False, strict=False)
        try:
            for row in reader:
                if reader.line_num > limits.rows:
                    raise TableFileError(too_many_rows(reader.line_num, limits))
                if len(row) > limits.columns:
                    raise TableFileError(too_many_columns(len(row), limits), row=reader.line_num)
                yield row
        except csv.Error as exc:
            raise TableFileError(_("The CSV file is malformed at line %(line)s: %(error)s")
                                 % {"line": reader.line_num, "error": exc},
                                 row=reader.line_num) from exc
    finally:
        if not source.closed:  # the caller may have closed the file before the generator was collected
            text.detach()


XLSX_BROKEN = xlsx_guard.XLSX_BROKEN


def _calamine_value(value: Any) -> Any:
    # openpyxl, which read these files before, gives date cells as midnight date-times: keep that text.
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _iter_xlsx(source: BinaryIO, limits: TableLimits) -> Iterator[list[str]]:
    """Rows of the first worksheet, numbered from 1 as Excel shows them, after the guard passed."""
    from python_calamine import CalamineError, CalamineWorkbook

    def first_worksheet(workbook_file: BinaryIO) -> Any:
        workbook = CalamineWorkbook.from_filelike(workbook_file)
        index = next((position for position, meta in enumerate(workbook.sheets_metadata)
                      if str(meta.typ).endswith("WorkSheet")), None)
        if index is None:
            raise TableFileError(xlsx_guard.NO_SHEET)
        return workbook.get_sheet_by_index(index)  # the whole sheet, read now

    facts = xlsx_guard.xlsx_inspect(source, limits=limits)
    has_errors = facts.has_errors
    try:
        try:
            sheet = first_worksheet(source)
        except CalamineError:
            # calamine refuses the whole sheet for one error value it does not know (#GETTING_DATA,
            # #SPILL!…): it reads a copy where such cells hold one it knows, the text is put back below.
            patched = xlsx_guard.xlsx_with_known_errors(source, facts.part, limits=limits) if has_errors else None
            if patched is None:
                raise
            with patched:
                sheet = first_worksheet(patched)
            has_errors = True
    except TableFileError:
        raise
    except (CalamineError, OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise TableFileError(XLSX_BROKEN) from exc
    finally:
        source.seek(0)
    if facts.rows == 0 or sheet.height == 0:
        return
    padding = [""] * sheet.start[1]
    # calamine reads a cell holding an Excel error (#N/A…) as empty; openpyxl read its text. The
    # error cells are put back from a second streaming pass, only for a file that has some.
    errors = xlsx_guard.iter_error_cells(source, facts.part) if has_errors else iter(())
    pending = next(errors, None)
    try:
        for number, values in enumerate(sheet.iter_rows(), start=1):
            # Most cells are plain ASCII text, already NFC: only stripped.
            row = padding + [value.strip() if type(value) is str and value.isascii()
                             else _cell_text(_calamine_value(value)) for value in values]
            while pending is not None and pending[0] <= number:
                if pending[0] == number and pending[1] <= len(row) and not row[pending[1] - 1]:
                    row[pending[1] - 1] = pending[2]
                pending = next(errors, None)
            yield row
    except (CalamineError, ValueError, zipfile.BadZipFile) as exc:
        raise TableFileError(XLSX_BROKEN) from exc
    finally:
        if has_errors:
            errors.close()
            source.seek(0)


def _size(source: BinaryIO) -> int:
    position = source.tell()
    size = source.seek(0, io.SEEK_END)
    source.seek(position)
    return size


def iter_raw_rows(content: bytes | BinaryIO, filename: str, *, limits: TableLimits | None = None) -> Iterator[list[str]]:
    """Every row of the first sheet (or of the CSV) as a list of stripped, NFC strings.

    `content` is the file's bytes or a seekable binary file, streamed without being read into memory
    (a CSV is decoded block by block; an .xlsx first passes `xlsx_guard.xlsx_inspect`, then
    python-calamine reads it). `limits` (default: `table_limits()`) bound the file's size, rows,
    columns and cell area; a file beyond them is refused with a TableFileError naming the limit.
    """
    limits = limits or table_limits()
    source: BinaryIO = io.BytesIO(content) if isinstance(content, bytes) else content
    name = filename.lower()
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if _size(source) > limits.upload_bytes:
        raise TableFileError(upload_too_large(limits))
    if head.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        if head.startswith(OLE_MAGIC):
            raise TableFileError(xlsx_guard.refuse_ole(head, source))
        if not head.startswith(XLSX_MAGIC):
            raise TableFileError(_("The file is not a valid Excel workbook (.xlsx)."))
        yield from _iter_xlsx(source, limits)
    elif name.endswith((".csv", ".txt")):
        if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", OLE_MAGIC)):
            raise TableFileError(_("The file is not a plain-text CSV file (it looks like a PDF, a picture or an old "
                                   "Excel .xls file)."))
        yield from (list(map(_cell_text, row)) for row in _iter_csv(source, limits))
    else:
        raise TableFileError(_("Only Excel (.xlsx) or CSV (.csv) files are accepted for import."))


def upload_too_large(limits: TableLimits) -> str:
    """The message for a file over the upload limit of its import."""
    return _("The file is larger than the %(megabytes)s MB limit of one import. Split it into several "
             "smaller files.") % {"megabytes": limits.upload_bytes // (1024 * 1024)}


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
            _("The header row lacks required columns: %(columns)s. Use the template downloaded from this page.")
            % {"columns": ", ".join(f"«{name}»" for name in missing)},
            row=header_row_number, column=", ".join(missing),
        )
    return positions


def iter_table(content: bytes | BinaryIO, filename: str, columns: Sequence[Column], *,
               limits: TableLimits | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {key: text}) for each non-empty data row, streaming (large files stay flat).

    `limits` as in `iter_raw_rows` (default: `table_limits()`); the file is refused before any row
    is yielded when its size, rows, columns or cell area are beyond them (.xlsx), or as soon as a row
    passes them (CSV)."""
    rows = iter_raw_rows(content, filename, limits=limits)
    header: list[str] | None = None
    row_number = 0
    for row_number, raw in enumerate(rows, start=1):
        if any(raw):
            header = raw
            break
    if header is None:
        raise TableFileError(_("The table file has no data."))
    positions = match_headers(header, columns, header_row_number=row_number)
    for number, raw in enumerate(rows, start=row_number + 1):
        if not any(raw):
            continue
        yield number, {key: (raw[index] if index < len(raw) else "") for key, index in positions.items()}


# The error values a cell can hold (openpyxl read them as this text; the reader keeps it).
EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})


def excel_error_message(number: int, header: str, value: str) -> str:
    return _("The cell at row %(row)s, column «%(column)s» shows the Excel error %(error)s instead of a value "
             "(usually a formula in the cell that cannot be calculated). Correct or re-enter the value of this "
             "cell and upload the file again.") % {"row": number, "column": header, "error": value}


def excel_error_keys(values: Mapping[str, str], columns: Sequence[Column]) -> set[str]:
    """The keys of the required cells of a row that hold an Excel error (#N/A, #VALUE!…)."""
    return {column.key for column in columns if column.required and values.get(column.key, "") in EXCEL_ERRORS}


def with_excel_errors(number: int, values: Mapping[str, str], columns: Sequence[Column],
                      errors: list[RowError]) -> list[RowError]:
    """The row's errors with each required cell that holds an Excel error (#N/A, #VALUE!…) named
    first; other errors about the same cell (its text read as a value) are dropped."""
    found = [RowError(number, column.headers[0], excel_error_message(number, column.headers[0], values[column.key]))
             for column in columns if column.required and values.get(column.key, "") in EXCEL_ERRORS]
    if not found:
        return errors
    named = {error.column for error in found}
    return found + [error for error in errors if error.column not in named]


def read_table(content: bytes | BinaryIO, filename: str, columns: Sequence[Column], *,
               limits: TableLimits | None = None) -> Table:
    """The whole table in memory (for small files such as staff lists), within `limits`."""
    table = Table()
    table.rows = list(iter_table(content, filename, columns, limits=limits))
    return table


def write_template_xlsx(columns: Sequence[Column], *, example_rows: Sequence[Sequence[Any]] = (),
                        extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> bytes:
    """An .xlsx template with the first header name of each column, optional examples and lookup
    sheets, written through `core.exports` (bold frozen header, widths, no live formulas)."""
    from core.exports import Sheet, xlsx_bytes

    widths = [max(14, len(column.headers[0]) + 4) for column in columns]
    sheets = [Sheet("Du lieu", [column.headers[0] for column in columns], example_rows, widths=widths)]
    sheets += [Sheet(title, [], rows, header=False) for title, rows in (extra_sheets or {}).items()]
    return xlsx_bytes(sheets)
