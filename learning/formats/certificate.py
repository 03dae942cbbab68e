"""The certificate PDF: drawn with an embedded font that covers Vietnamese, with a QR code to the public check."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import qrcode
from fpdf import FPDF

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans.ttf"


def qr_png(data: str) -> bytes:
    image = qrcode.make(data, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def certificate_pdf(*, officer_name: str, course_title: str, issued_on: dt.date, code: str, verify_url: str,
                    unit_name: str = "", valid_until: dt.date | None = None) -> bytes:
    """A one-page A4 landscape certificate in Vietnamese; returns the PDF bytes."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Chứng nhận {code}")
    pdf.set_author("THADS IT")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT_PATH))
    pdf.set_draw_color(30, 70, 140)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)
    pdf.set_text_color(20, 40, 90)
    pdf.set_font("DejaVu", size=13)
    pdf.set_xy(20, 24)
    pdf.cell(257, 8, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(20, 32)
    pdf.cell(257, 8, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_font("DejaVu", size=30)
    pdf.set_xy(20, 52)
    pdf.cell(257, 16, "CHỨNG NHẬN", align="C")
    pdf.set_font("DejaVu", size=14)
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(20, 74)
    pdf.cell(257, 8, "Chứng nhận ông/bà", align="C")
    pdf.set_font("DejaVu", size=24)
    pdf.set_xy(20, 84)
    pdf.cell(257, 14, officer_name, align="C")
    if unit_name:
        pdf.set_font("DejaVu", size=12)
        pdf.set_xy(20, 99)
        pdf.cell(257, 7, unit_name, align="C")
    pdf.set_font("DejaVu", size=14)
    pdf.set_xy(20, 110)
    pdf.cell(257, 8, "đã hoàn thành khóa học", align="C")
    pdf.set_font("DejaVu", size=18)
    pdf.set_xy(30, 120)
    pdf.multi_cell(237, 10, course_title, align="C")
    pdf.set_font("DejaVu", size=12)
    pdf.set_xy(30, 150)
    pdf.cell(160, 7, f"Ngày cấp: {issued_on:%d/%m/%Y}")
    if valid_until:
        pdf.set_xy(30, 158)
        pdf.cell(160, 7, f"Có giá trị đến: {valid_until:%d/%m/%Y}")
    pdf.set_xy(30, 168)
    pdf.cell(160, 7, f"Mã xác thực: {code}")
    pdf.set_font("DejaVu", size=9)
    pdf.set_xy(30, 176)
    pdf.cell(160, 6, f"Kiểm tra tại: {verify_url}")
    pdf.image(io.BytesIO(qr_png(verify_url)), x=238, y=146, w=38, h=38)
    return bytes(pdf.output())
