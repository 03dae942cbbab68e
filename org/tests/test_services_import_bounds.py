"""Staff imports stay bounded: errors kept, file size, rows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from org.models import StaffImport
from org.tests.test_services_import import admin, counts, csv_text, preview  # noqa: F401

pytestmark = pytest.mark.django_db


def test_only_the_first_errors_are_kept_and_the_rest_are_counted(admin, world, client_for):  # noqa: ANN001, F811
    rows = [[f"Người {index}", f"nguoi{index}@moj.gov.vn", "KHONG-CO", "clerk"] for index in range(450)]
    imp = preview(admin, "loi.csv", csv_text(rows).encode())
    assert imp.status == StaffImport.Status.INVALID
    assert len(imp.errors) == 200 and imp.summary == {"more_errors": 250}
    page = client_for("admin").get(reverse("org:import-detail", kwargs={"pk": imp.pk})).content.decode()
    assert "và 250 lỗi khác" in page and "450 lỗi" in page


def test_a_staff_list_beyond_its_row_limit_is_refused_as_a_whole(admin, world, settings):  # noqa: ANN001, F811
    settings.THADS_IMPORT_LIMITS = {"staff": {"rows": 10}}
    before = counts()
    rows = [[f"Người {index}", f"nguoi{index}@moj.gov.vn", "A", "clerk"] for index in range(20)]
    imp = preview(admin, "dai.csv", csv_text(rows).encode())
    assert imp.status == StaffImport.Status.INVALID and "giới hạn 10 dòng" in imp.errors[0]["message"]
    assert counts() == before


def test_a_staff_upload_over_the_limit_is_dropped_while_it_streams(admin, world, client_for, settings):  # noqa: ANN001, F811
    settings.THADS_IMPORT_LIMITS = {"staff": {"upload_bytes": 2048}}
    rows = [[f"Người {index}", f"nguoi{index}@moj.gov.vn", "A", "clerk"] for index in range(100)]
    response = client_for("admin").post(reverse("org:import-start"),
                                        {"file": SimpleUploadedFile("lon.csv", csv_text(rows).encode())})
    assert response.status_code == 200 and "lớn hơn giới hạn" in response.content.decode()
    assert not StaffImport.objects.exists()
