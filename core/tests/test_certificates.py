"""core.certificates: the per-year register, the administrative layout, the site address and the e-mail URL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from config.env import email_settings, site_url_setting
from core.certificates import (
    CertificateDocument,
    CertificateIssuer,
    certificate_number_next,
    certificate_pdf,
    date_line,
    normalise_code,
    qr_png,
    site_url,
)


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def _document(**changes) -> CertificateDocument:  # noqa: ANN003
    values = {
        "title": "Giấy chứng nhận", "holder_name": "Nguyễn Thị Hoà", "holder_unit": "Chi cục THADS thành phố Rạch Giá",
        "lines": ("Đã hoàn thành khóa học", "Sử dụng chữ ký số"), "number": "007/2026/CN",
        "issued_on": dt.date(2026, 12, 2), "code": "ABCD2345EFGH",
        "verify_url": "https://thads.example.vn/learning/verify/ABCD2345EFGH/",
        "issuer": CertificateIssuer(agency="Cục Thi hành án dân sự tỉnh Kiên Giang",
                                    parent_agency="Tổng cục Thi hành án dân sự", place="Kiên Giang",
                                    signer_title="Cục trưởng", signer_name="Trần Văn Bình",
                                    signature_image=qr_png("signature"), seal_image=qr_png("seal")),
    }
    values.update(changes)
    return CertificateDocument(**values)


def test_pdf_is_laid_out_as_an_administrative_document():
    text = _text(certificate_pdf(_document()))
    for expected in ("CỤC THI HÀNH ÁN DÂN SỰ TỈNH KIÊN GIANG", "TỔNG CỤC THI HÀNH ÁN DÂN SỰ", "Số: 007/2026/CN",
                     "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Kiên Giang, ngày 02 tháng 12 năm 2026", "CỤC TRƯỞNG", "Trần Văn Bình", "Nguyễn Thị Hoà",
                     "Chi cục THADS thành phố Rạch Giá", "Sử dụng chữ ký số",
                     "https://thads.example.vn/learning/verify/ABCD2345EFGH/"):
        assert expected in text, expected
    assert "ĐÃ THU HỒI" not in text


def test_a_revoked_certificate_is_stamped():
    text = _text(certificate_pdf(_document(revoked_on=dt.date(2026, 12, 5))))
    assert "ĐÃ THU HỒI" in text
    assert "05/12/2026" in text


def test_date_line_pads_day_and_month():
    assert date_line(place="Kiên Giang", day=dt.date(2027, 1, 9)) == "Kiên Giang, ngày 09 tháng 01 năm 2027"


def test_code_typed_from_paper_is_normalised():
    assert normalise_code(" abcd - 2345 efgh") == "ABCD2345EFGH"


@pytest.mark.django_db
def test_register_numbers_run_per_agency_series_and_year():
    numbers = [certificate_number_next(issuer_key="KG", series="CN", year=2026) for _ in range(3)]
    assert numbers == ["001/2026/CN", "002/2026/CN", "003/2026/CN"]
    assert certificate_number_next(issuer_key="KG", series="CN", year=2027) == "001/2027/CN"
    assert certificate_number_next(issuer_key="KG", series="GK", year=2026) == "001/2026/GK"
    assert certificate_number_next(issuer_key="AG", series="CN", year=2026) == "001/2026/CN"
    assert certificate_number_next(issuer_key="KG", series="CN", year=2026) == "004/2026/CN"


def test_site_url_uses_the_configured_address_not_the_request(settings):
    settings.THADS_SITE_URL = "https://thads-it.example.vn/"
    assert site_url("/learning/courses/1/resume/") == "https://thads-it.example.vn/learning/courses/1/resume/"
    assert site_url("https://other.example/x") == "https://other.example/x"


def test_site_address_setting_is_required_in_production():
    with pytest.raises(ValueError, match="THADS_SITE_URL"):
        site_url_setting("", production=True)
    with pytest.raises(ValueError, match="THADS_SITE_URL"):
        site_url_setting("thads.example.vn", production=False)
    assert site_url_setting("", production=False) == "http://127.0.0.1:8000"
    assert site_url_setting("https://thads.example.vn/", production=True) == "https://thads.example.vn"


def test_email_url_unknown_scheme_is_an_error_and_filemail_writes_files(tmp_path):
    with pytest.raises(ValueError, match="unknown scheme"):
        email_settings("smpt://mail.example.vn")
    with pytest.raises(ValueError):
        email_settings("smtp://")
    assert email_settings(f"filemail://{tmp_path}") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(tmp_path)}
    smtp = email_settings("smtp://user:p%40ss@mail.example.vn:587?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example.vn" and smtp["EMAIL_HOST_PASSWORD"] == "p@ss" and smtp["EMAIL_USE_TLS"]
