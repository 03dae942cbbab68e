"""The one way the site writes spreadsheets (.xlsx) and CSV files.

Every export and template goes through here so that each file gets the same guarantees:

- no live formulas from data: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is written as plain text (an .xlsx string cell marked "quote prefix", as Excel does
  when the user types an apostrophe first; in CSV an apostrophe is put in front);
- aware date-times in the site's local time, written as real Excel dates (dd/mm/yyyy hh:mm), dates as
  dd/mm/yyyy — never the UTC day;
- a bold header row that stays frozen, an autofilter over the data, column widths from the content;
- streaming: rows are written through a write-only workbook (or a CSV generator) as they come, so an
  export of any size keeps memory flat. Only the first `WIDTH_SAMPLE_ROWS` rows are held, to size the
  columns before the sheet is started.

Pure functions and small value classes, no ORM. The Django responses at the bottom are thin wrappers.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH = 8
MAX_WIDTH = 60
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Characters an .xlsx cannot hold (openpyxl refuses them): dropped rather than failing the export.
CONTROL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Texts openpyxl would store as Excel error values.
ERROR_TEXTS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title, the header texts and the data rows (any iterable, consumed once).

    `widths` may fix some column widths (None entries are measured from the header and the first
    rows). `header=False` writes a plain sheet (lookup lists in templates): no bold frozen header and
    no autofilter.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[float | None] | None = None
    header: bool = True


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet program could take this text for a formula (or a DDE payload)."""
    return text.startswith(FORMULA_STARTS)


def local_datetime(value: dt.datetime) -> dt.datetime:
    """An aware date-time in the site's time zone, without tzinfo (what Excel stores); naive ones unchanged."""
    if value.tzinfo is None:
        return value
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


def csv_value(value: Any) -> str:
    """The text of one CSV cell: formula-like text behind an apostrophe, dates in local dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return local_datetime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def _display_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  fixed: Sequence[float | None] | None = None) -> list[float]:
    """Widths in Excel character units: the longest of the header and the given rows, within bounds."""
    count = max([len(headers), *(len(row) for row in rows)], default=0)
    widths = []
    for index in range(count):
        if fixed is not None and index < len(fixed) and fixed[index] is not None:
            widths.append(float(fixed[index]))
            continue
        longest = max([_display_length(headers[index]) if index < len(headers) else 0,
                       *(_display_length(row[index]) for row in rows if index < len(row))])
        # Bold headers and the autofilter button take a little more room.
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 3))))
    return widths


class _CellMaker:
    """Turns Python values into write-only cells with the guarantees above (one per worksheet)."""

    def __init__(self, sheet):  # noqa: ANN001
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.sheet = sheet
        self.make = WriteOnlyCell
        self.bold = Font(bold=True)

    def header(self, text: str):  # noqa: ANN201
        cell = self.text(str(text))
        cell.font = self.bold
        return cell

    def text(self, text: str):  # noqa: ANN201
        cell = self.make(self.sheet)
        cell.value = CONTROL_CHARACTERS.sub("", text)  # a leading "=" makes openpyxl mark the cell as a formula: undo that below
        cell.data_type = "s"
        if is_formula_like(text):
            cell.quotePrefix = True
        return cell

    def value(self, value: Any):  # noqa: ANN201
        if value is None or isinstance(value, (bool, int, float, decimal.Decimal)):
            return value
        if isinstance(value, dt.datetime):
            cell = self.make(self.sheet, value=local_datetime(value))
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, dt.date):
            cell = self.make(self.sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        text = CONTROL_CHARACTERS.sub("", str(value))
        if not is_formula_like(text) and text not in ERROR_TEXTS:
            return text
        return self.text(text)


def _write_sheet(book, spec: Sheet) -> None:  # noqa: ANN001
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(spec.title[:31])
    rows = iter(spec.rows)
    head = [list(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    for index, width in enumerate(column_widths(spec.headers, head, spec.widths), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    maker = _CellMaker(sheet)
    if spec.header:
        sheet.freeze_panes = "A2"
        sheet.append([maker.header(text) for text in spec.headers])
    count, width = 0, len(spec.headers)
    for row in head:
        sheet.append([maker.value(value) for value in row])
        count, width = count + 1, max(width, len(row))
    for row in rows:
        sheet.append([maker.value(value) for value in row])
        count, width = count + 1, max(width, len(row))
    if spec.header and spec.headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{count + 1}"


def write_xlsx(sheets: Sequence[Sheet], target: BinaryIO) -> None:
    """Write the sheets, in order, as one .xlsx workbook to the binary file `target` (streamed:
    each sheet's rows are consumed once and not kept)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(book, spec)
    book.save(target)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as bytes (templates and small files)."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> Iterator[str]:
    """CSV text line by line, starting with a UTF-8 byte-order mark so that Excel on Vietnamese Windows
    shows the accents; cells as `csv_value` writes them."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([csv_value(text) for text in headers])
    for row in rows:
        yield writer.writerow([csv_value(value) for value in row])


def _attachment(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename)


def xlsx_response(sheets: Sequence[Sheet], *, filename: str):  # noqa: ANN201
    """A download of the workbook. Rows are streamed into the write-only workbook, so building it keeps
    memory flat; only the finished, compressed file is held (about a tenth of the raw text)."""
    from django.http import HttpResponse

    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        write_xlsx(sheets, spool)
        spool.seek(0)
        response = HttpResponse(spool.read(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def csv_response(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str):  # noqa: ANN201
    """A streamed CSV download (UTF-8 with BOM, comma-separated)."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse((line.encode("utf-8") for line in iter_csv(headers, rows)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(filename)
    return response
