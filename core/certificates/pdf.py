"""The certificate PDF laid out as a Vietnamese administrative document (pure: no database, no settings).

Layout (A4 landscape): issuing agency top-left with the number under it; the national motto
top-right with the place and date line under it; the title, holder, holder's unit and achievement
in the middle; the signer's title, signature, seal and name bottom-right; the QR code to the public
check and the verification code bottom-left. A revoked certificate carries a red "ĐÃ THU HỒI" stamp.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_PATH = FONT_DIR / "DejaVuSans.ttf"  # sans-serif font covering Vietnamese, for other PDFs of the site

NATIONAL_NAME = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
REVOKED_STAMP = "ĐÃ THU HỒI"


@dataclass(frozen=True)
class CertificateIssuer:
    """Who issues: the agency (and the body above it), the place written in the date line, the signer.

    Images are PNG or JPEG bytes (a transparent PNG for the seal looks best); None leaves the space.
    """

    agency: str
    parent_agency: str = ""
    place: str = ""
    signer_title: str = ""
    signer_name: str = ""
    signature_image: bytes | None = None
    seal_image: bytes | None = None


@dataclass(frozen=True)
class CertificateDocument:
    """What one certificate says. `lines` are the sentences between the holder and the dates,
    e.g. ("đã hoàn thành khóa học", "Thư điện tử công vụ") or ("đã đạt Giải Nhất", "Hội thi …")."""

    title: str
    holder_name: str
    lines: tuple[str, ...]
    number: str
    issued_on: dt.date
    code: str
    verify_url: str
    issuer: CertificateIssuer
    holder_unit: str = ""
    holder_label: str = "Ông/Bà:"
    valid_until: dt.date | None = None
    revoked_on: dt.date | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)


def qr_png(data: str) -> bytes:
    """A PNG QR code of `data` (quiet zone of two modules)."""
    image = qrcode.make(data, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def date_line(*, place: str, day: dt.date) -> str:
    """"Kiên Giang, ngày 02 tháng 12 năm 2026" (days and months below 10 written with a leading zero,
    as the administrative-document rules ask for days 1–9 and months 1–2)."""
    prefix = f"{place}, " if place else ""
    return f"{prefix}ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _fonts(pdf: FPDF) -> None:
    pdf.add_font("Serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", str(FONT_DIR / "DejaVuSerif-Italic.ttf"))


def _centred(pdf: FPDF, *, x: float, y: float, w: float, h: float, text: str, style: str = "", size: float = 12,
             underline_ratio: float = 0.0) -> None:
    pdf.set_font("Serif", style, size)
    pdf.set_xy(x, y)
    pdf.cell(w, h, text, align="C")
    if underline_ratio:
        width = min(pdf.get_string_width(text), w) * underline_ratio
        pdf.set_line_width(0.3)
        pdf.line(x + (w - width) / 2, y + h + 0.6, x + (w + width) / 2, y + h + 0.6)


def _fit_size(pdf: FPDF, text: str, *, style: str, size: float, width: float, smallest: float = 8) -> float:
    pdf.set_font("Serif", style, size)
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font("Serif", style, size)
    return size


def certificate_pdf(document: CertificateDocument) -> bytes:
    """A one-page A4 landscape certificate; returns the PDF bytes."""
    issuer = document.issuer
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"{document.title} {document.number}".strip())
    pdf.set_author(issuer.agency)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _fonts(pdf)
    # Border.
    pdf.set_draw_color(150, 20, 20)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 275, 188)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)

    # Top-left: the body above (regular), the issuing agency (bold, underlined), the number.
    left_x, left_w = 16, 120
    y = 18
    if issuer.parent_agency:
        size = _fit_size(pdf, issuer.parent_agency.upper(), style="", size=12, width=left_w)
        _centred(pdf, x=left_x, y=y, w=left_w, h=6, text=issuer.parent_agency.upper(), size=size)
        y += 6
    size = _fit_size(pdf, issuer.agency.upper(), style="B", size=12, width=left_w)
    _centred(pdf, x=left_x, y=y, w=left_w, h=6, text=issuer.agency.upper(), style="B", size=size,
             underline_ratio=0.4)
    y += 10
    _centred(pdf, x=left_x, y=y, w=left_w, h=6, text=f"Số: {document.number}", size=12)

    # Top-right: national name, motto (underlined), place and date (italic).
    right_x, right_w = 140, 142
    _centred(pdf, x=right_x, y=18, w=right_w, h=6, text=NATIONAL_NAME, style="B", size=12)
    _centred(pdf, x=right_x, y=24, w=right_w, h=6, text=NATIONAL_MOTTO, style="B", size=12.5, underline_ratio=1.0)
    _centred(pdf, x=right_x, y=34, w=right_w, h=6, text=date_line(place=issuer.place, day=document.issued_on),
             style="I", size=12)

    # Middle.
    pdf.set_text_color(150, 20, 20)
    _centred(pdf, x=16, y=50, w=265, h=14, text=document.title.upper(), style="B", size=28)
    pdf.set_text_color(0, 0, 0)
    _centred(pdf, x=16, y=68, w=265, h=7, text=document.holder_label, style="I", size=13)
    name_size = _fit_size(pdf, document.holder_name, style="B", size=22, width=250)
    _centred(pdf, x=16, y=76, w=265, h=12, text=document.holder_name, style="B", size=name_size)
    y = 90
    if document.holder_unit:
        _centred(pdf, x=16, y=y, w=265, h=7, text=document.holder_unit, size=13)
        y += 9
    for index, line in enumerate(document.lines):
        emphasised = index == len(document.lines) - 1 and len(document.lines) > 1
        size = _fit_size(pdf, line, style="B" if emphasised else "", size=17 if emphasised else 13, width=250)
        if emphasised and pdf.get_string_width(line) > 250:
            pdf.set_xy(26, y)
            pdf.multi_cell(245, 8, line, align="C")
            y = pdf.get_y() + 1
        else:
            _centred(pdf, x=16, y=y, w=265, h=9 if emphasised else 7, text=line, style="B" if emphasised else "",
                     size=size)
            y += 10 if emphasised else 8
    for line in document.extra:
        _centred(pdf, x=16, y=y, w=265, h=6, text=line, style="I", size=11)
        y += 7
    if document.valid_until:
        _centred(pdf, x=16, y=y, w=265, h=6, text=f"Có giá trị đến ngày {document.valid_until:%d/%m/%Y}",
                 style="I", size=11)

    # Bottom-right: signer's title, signature and seal, name.
    sign_x, sign_w = 170, 112
    if issuer.signer_title:
        size = _fit_size(pdf, issuer.signer_title.upper(), style="B", size=12, width=sign_w)
        _centred(pdf, x=sign_x, y=140, w=sign_w, h=6, text=issuer.signer_title.upper(), style="B", size=size)
    if issuer.seal_image:
        pdf.image(io.BytesIO(issuer.seal_image), x=sign_x + sign_w / 2 - 34, y=146, w=32, h=32)
    if issuer.signature_image:
        pdf.image(io.BytesIO(issuer.signature_image), x=sign_x + sign_w / 2 - 16, y=150, w=40, h=22, keep_aspect_ratio=True)
    if issuer.signer_name:
        _centred(pdf, x=sign_x, y=181, w=sign_w, h=7, text=issuer.signer_name, style="B", size=13)

    # Bottom-left: QR code to the public check.
    pdf.image(io.BytesIO(qr_png(document.verify_url)), x=18, y=152, w=32, h=32)
    pdf.set_font("Serif", "", 10)
    pdf.set_xy(53, 160)
    pdf.cell(110, 5, f"Mã xác thực: {document.code}")
    pdf.set_font("Serif", "", 8)
    pdf.set_xy(53, 166)
    pdf.multi_cell(110, 4, f"Kiểm tra tại: {document.verify_url}")

    if document.revoked_on:
        _revoked_stamp(pdf, revoked_on=document.revoked_on)
    return bytes(pdf.output())


def _revoked_stamp(pdf: FPDF, *, revoked_on: dt.date) -> None:
    pdf.set_draw_color(200, 0, 0)
    pdf.set_text_color(200, 0, 0)
    with pdf.rotation(18, x=148, y=105):
        pdf.set_line_width(1.5)
        pdf.rect(78, 86, 140, 38)
        _centred(pdf, x=78, y=90, w=140, h=20, text=REVOKED_STAMP, style="B", size=40)
        _centred(pdf, x=78, y=111, w=140, h=8, text=f"ngày {revoked_on:%d/%m/%Y}", style="B", size=14)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
