"""Tables (title, header, rows) written as an .xlsx workbook: pure functions, no ORM."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


def _safe(value):  # noqa: ANN001, ANN202
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """One worksheet per table: optional note line, bold frozen header, autofilter, column widths."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        first = 1
        if sheet.note:
            ws.append([_safe(sheet.note)])
            first = 2
        ws.append([_safe(value) for value in sheet.header])
        for cell in ws[first]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_safe(value) for value in row])
        ws.freeze_panes = ws.cell(row=first + 1, column=1)
        if sheet.rows:
            ws.auto_filter.ref = f"A{first}:{get_column_letter(len(sheet.header))}{first + len(sheet.rows)}"
        for index, title in enumerate(sheet.header, start=1):
            width = max([len(str(title))] + [len(str(row[index - 1])) for row in sheet.rows[:200]
                                             if index - 1 < len(row) and row[index - 1] is not None])
            ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 50)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
