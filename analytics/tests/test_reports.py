"""The monthly report: .xlsx and PDF per unit, built by the command, downloaded within scope."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics.reports import monthly
from analytics.tests.factories import make_score, make_software, put_officer_counts


@pytest.fixture
def month(world):  # noqa: ANN001, ANN201
    today = timezone.localdate()
    make_software("QLVB", positions=[world.positions["enforcement_officer"]])
    put_officer_counts(world.officers["officer"], today, active__QLVB=1, steps_recorded=2, steps_on_time=1)
    make_score(world.officers["officer"], today, 55)
    return today.replace(day=1)


def test_xlsx_report_has_title_and_officers_of_the_unit_only(world, month):
    content = monthly.report_build(unit=world.units["A"], month=month, fmt="xlsx")
    book = load_workbook(io.BytesIO(content))
    cover = [[cell.value for cell in row] for row in book["Tóm tắt"].iter_rows()]
    assert cover[0][0] == f"Báo cáo tình hình ứng dụng CNTT tháng {month:%m/%Y}"
    names = {row[0].value for row in book["Cán bộ"].iter_rows(min_row=3)}
    assert "Nguyễn Văn Á" in names and "Trần Thị OTHER_B" not in names


def test_pdf_report_is_a_pdf_with_the_fonts_embedded(world, month):
    content = monthly.report_build(unit=world.units["A"], month=month, fmt="pdf")
    assert content.startswith(b"%PDF")
    assert b"DejaVu" in content
    assert len(content) > 5000


def test_command_stores_both_files_per_unit_and_download_serves_them(world, month, client_for):
    call_command("build_monthly_reports", month=f"{month:%Y-%m}", stdout=io.StringIO())
    stored = monthly.report_stored(unit=world.units["A"], month=month, fmt="pdf")
    assert stored is not None and stored.read_bytes().startswith(b"%PDF")
    url = reverse("analytics:report-download", args=[world.units["A"].pk, month.year, month.month, "pdf"])
    response = client_for("unit_manager").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored.read_bytes()
    assert "bao-cao-ung-dung-cntt-a-" in response["Content-Disposition"]


def test_download_outside_scope_or_in_the_future_is_refused(world, month, client_for):
    client = client_for("unit_manager")
    b_url = reverse("analytics:report-download", args=[world.units["B"].pk, month.year, month.month, "xlsx"])
    assert client.get(b_url).status_code == 404
    future = reverse("analytics:report-download", args=[world.units["A"].pk, month.year + 1, month.month, "xlsx"])
    assert client.get(future).status_code == 404
    bad = reverse("analytics:report-download", args=[world.units["A"].pk, month.year, month.month, "docx"])
    assert client.get(bad).status_code == 404


def test_command_refuses_a_malformed_month(world):
    with pytest.raises(CommandError):
        call_command("build_monthly_reports", month="2026-1x", stdout=io.StringIO())
