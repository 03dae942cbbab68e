"""The monthly adoption report as a PDF: Vietnamese text in an embedded DejaVu font, bar charts
drawn with fpdf2 itself (no browser or image renderer needed), then the tables. Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from analytics.formats.tables import Sheet
from core.certificates import FONT_PATH  # the Vietnamese-capable font the site ships

PAGE_WIDTH = 190  # A4 portrait inside 10 mm margins


@dataclass
class BarChart:
    title: str
    labels: list[str]
    values: list[float | None]
    suffix: str = ""
    maximum: float | None = None  # None: the largest value


def _bar_chart(pdf: FPDF, chart: BarChart) -> None:
    label_width, bar_width, row_height = 55, PAGE_WIDTH - 55 - 20, 6
    needed = 10 + row_height * max(len(chart.labels), 1)
    if pdf.get_y() + needed > 280:
        pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    pdf.cell(PAGE_WIDTH, 8, chart.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    top = max((value or 0) for value in chart.values) if chart.values else 0
    maximum = chart.maximum or top or 1
    for label, value in zip(chart.labels, chart.values):
        y = pdf.get_y()
        pdf.set_xy(10, y)
        pdf.cell(label_width, row_height, label[:40])
        length = bar_width * (value or 0) / maximum
        pdf.set_fill_color(21, 112, 239)
        if length > 0:
            pdf.rect(10 + label_width, y + 1, length, row_height - 2, style="F")
        pdf.set_xy(10 + label_width + length + 1, y)
        text = "—" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        pdf.cell(20, row_height, text + (chart.suffix if value is not None else ""))
        pdf.set_y(y + row_height)
    pdf.ln(3)


def _table(pdf: FPDF, sheet: Sheet, max_rows: int) -> None:
    columns = len(sheet.header)
    if not columns:
        return
    first_width = 50 if columns > 2 else PAGE_WIDTH / 2
    other = (PAGE_WIDTH - first_width) / max(columns - 1, 1)
    widths = [first_width] + [other] * (columns - 1)
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    pdf.cell(PAGE_WIDTH, 8, sheet.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=7)

    def line(values: list, fill: bool) -> None:
        if pdf.get_y() > 280:
            pdf.add_page()
        pdf.set_fill_color(234, 236, 240)
        for width, value in zip(widths, values):
            text = "" if value is None else str(value)
            while text and pdf.get_string_width(text) > width - 1:
                text = text[:-1]
            pdf.cell(width, 5, text, border=1, fill=fill)
        pdf.ln(5)

    line(sheet.header, True)
    for row in sheet.rows[:max_rows]:
        line(row, False)
    if len(sheet.rows) > max_rows:
        pdf.cell(PAGE_WIDTH, 5, f"… (+{len(sheet.rows) - max_rows})", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def report_pdf(*, title: str, subtitle: str, summary: list[tuple[str, str]], charts: list[BarChart],
               tables: list[Sheet], max_rows: int = 60) -> bytes:
    """An A4 report: title, a summary of key figures, bar charts, then each table (at most `max_rows` rows)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_author("THADS IT")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_PATH))
    pdf.add_page()
    pdf.set_font("DejaVu", size=15)
    pdf.multi_cell(PAGE_WIDTH, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(PAGE_WIDTH, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for label, value in summary:
        pdf.cell(90, 6, label)
        pdf.cell(100, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for chart in charts:
        _bar_chart(pdf, chart)
    for sheet in tables:
        _table(pdf, sheet, max_rows)
    return bytes(pdf.output())
