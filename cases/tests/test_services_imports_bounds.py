"""Case-step imports: closed cases, counts of rows with errors, bounded errors and files, who may import."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseStatus, CaseStep, EnforcementCase, ImportBatch
from cases.tests.test_services_imports import GOOD, TODAY, apply, cases, csv_bytes, imported, preview  # noqa: F401
from core.formats.limits import TableLimits
from core.tests import hostile_files

pytestmark = pytest.mark.django_db


def test_rows_for_a_closed_case_are_refused_by_row_and_column(world, cases):  # noqa: F811
    EnforcementCase.objects.filter(pk=cases[0].pk).update(status=CaseStatus.COMPLETED)
    batch = preview(world, csv_bytes(GOOD), "dong.csv")
    assert batch.status == ImportBatch.Status.INVALID
    closed = [error for error in batch.errors if "đã kết thúc" in error["message"]]
    assert {(error["row"], error["column"]) for error in closed} == {(2, "Số hồ sơ"), (3, "Số hồ sơ")}
    assert "12/QĐ-CCTHADS" in closed[0]["message"]
    assert (batch.new_rows, batch.error_count) == (1, 2)  # only the row of the open case counts as new
    assert imported() == 0


def test_a_case_closed_between_preview_and_apply_refuses_the_import(world, cases):  # noqa: F811
    batch = preview(world, csv_bytes(GOOD), "a.csv")
    assert batch.status == ImportBatch.Status.PREVIEW
    EnforcementCase.objects.filter(pk=cases[0].pk).update(status=CaseStatus.TERMINATED)
    from cases import services

    with pytest.raises(services.StepImportError):
        apply(world, batch)
    assert imported() == 0


@pytest.mark.parametrize("chunk_rows", [1, 2000])
def test_steps_after_the_closing_step_in_the_same_file_are_imported_whatever_the_chunks(world, cases, chunk_rows,  # noqa: F811
                                                                                      monkeypatch):
    """The preview judges each row by the case's status before the import; so does the apply, also when
    an earlier chunk of the same file closed the case (a late-recorded step after the closure)."""
    from cases.services import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS", chunk_rows)
    closing = ["S-9", "A", "12/QĐ-CCTHADS", "closure", "06/03/2026", "06/03/2026 10:00", "officer@moj.gov.vn", ""]
    late = ["S-10", "A", "12/QĐ-CCTHADS", "thong bao cho duong su", "05/03/2026", "09/03/2026 15:00",
            "officer@moj.gov.vn", ""]
    batch = apply(world, preview(world, csv_bytes([GOOD[0], closing, late]), "ket-thuc.csv"))
    assert (batch.status, batch.new_rows) == (ImportBatch.Status.APPLIED, 3)
    assert EnforcementCase.objects.get(pk=cases[0].pk).status == CaseStatus.COMPLETED


def test_reimporting_unchanged_steps_of_a_case_closed_since_is_not_an_error(world, cases):  # noqa: F811
    apply(world, preview(world, csv_bytes(GOOD), "a.csv"))
    EnforcementCase.objects.filter(pk=cases[0].pk).update(status=CaseStatus.COMPLETED)
    again = preview(world, csv_bytes(GOOD), "a.csv")
    assert again.status == ImportBatch.Status.PREVIEW and again.unchanged_rows == 3


def test_preview_does_not_count_a_repeated_step_as_new(world, cases):  # noqa: F811
    batch = preview(world, csv_bytes([GOOD[0], GOOD[0]]), "trung.csv")
    assert batch.error_count == 1 and batch.errors[0]["row"] == 3
    assert (batch.new_rows, batch.corrected_rows, batch.unchanged_rows) == (1, 0, 0)


def test_errors_kept_are_bounded_and_the_rest_counted(world, cases, client_for):  # noqa: F811
    rows = [[f"X-{index}", "A", "99/KHONG-CO", "decision", "03/03/2026", "04/03/2026", "officer@moj.gov.vn", ""]
            for index in range(260)]
    batch = preview(world, csv_bytes(rows), "nhieu-loi.csv")
    assert batch.error_count == 260 and len(batch.errors) == 200
    page = client_for("admin").get(reverse("cases:import-detail", kwargs={"pk": batch.pk})).content.decode()
    assert "và 60 lỗi khác" in page


def test_a_bomb_file_is_refused_as_a_whole_without_reading_rows(world, cases):  # noqa: F811
    batch = preview(world, hostile_files.many_rows(300_000), "bom.xlsx")
    assert batch.status == ImportBatch.Status.INVALID and batch.total_rows == 0
    assert [error["row"] for error in batch.errors] == [0] and "giới hạn" in batch.errors[0]["message"]


def test_limits_come_from_settings(world, cases, settings):  # noqa: F811
    settings.THADS_IMPORT_LIMITS = {"case_steps": {"rows": 2}}
    batch = preview(world, csv_bytes(GOOD), "a.csv")
    assert batch.status == ImportBatch.Status.INVALID and "giới hạn 2 dòng" in batch.errors[0]["message"]


def test_an_upload_over_the_limit_is_dropped_while_it_streams(world, cases, client_for, settings):  # noqa: F811
    settings.THADS_IMPORT_LIMITS = {"case_steps": {"upload_bytes": 4096}}
    content = csv_bytes(GOOD * 60)
    assert len(content) > 4096
    response = client_for("admin").post(reverse("cases:import-start"),
                                        {"file": SimpleUploadedFile("lon.csv", content)})
    assert response.status_code == 200
    assert "lớn hơn giới hạn" in response.content.decode()
    assert not ImportBatch.objects.exists() and imported() == 0


def test_a_clerk_may_open_a_case_but_not_import_steps(world, client_for):
    from org.models import Position

    clerk = world.officers["officer"]
    clerk.position = Position.objects.get_or_create(code="clerk", defaults={"name": "Thư ký thi hành án"})[0]
    clerk.save()
    from core.principal import principal_forget

    principal_forget(clerk.user_id)
    client = client_for("officer")
    assert client.get(reverse("cases:import-start")).status_code == 403
    assert client.post(reverse("cases:import-start"),
                       {"file": SimpleUploadedFile("a.csv", csv_bytes(GOOD))}).status_code == 403
    assert client.get(reverse("cases:case-create")).status_code == 200
    assert CaseStep.objects.filter(source="import").count() == 0
