"""The adoption pages' tables (title, header, rows, an optional note) and their .xlsx form, written
through the site's one spreadsheet writer (core.exports: formula-safe cells, local dates, frozen bold
header, autofilter, widths). Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import exports


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""  # what the table covers (unit, period, measure): listed on the first worksheet


def workbook_bytes(sheets: list[Sheet], *, about_title: str = "", about: list[tuple[str, str]] = ()) -> bytes:
    """One worksheet per table, after an optional first worksheet `about_title` of (label, value) lines
    that also lists each table's note."""
    specs = []
    lines = [list(line) for line in about] + [[sheet.title, sheet.note] for sheet in sheets if sheet.note]
    if about_title:
        specs.append(exports.Sheet(title=about_title, headers=["", ""], rows=lines, header=False))
    specs += [exports.Sheet(title=sheet.title, headers=sheet.header, rows=sheet.rows) for sheet in sheets]
    return exports.xlsx_bytes(specs)
