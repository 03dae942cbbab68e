"""Usage-log import: mapping, preview errors by row and column, unmatched officers, scope, all or
nothing, re-import, Windows-1258 CSV, size limit."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analytics.models import RefillDay, Software, UsageEvent, UsageImport
from analytics.services import imports
from analytics.services.fill import counts_fill

HEADER = "Email người dùng,Thao tác,Thời gian,Mã sự kiện\n"


@pytest.fixture
def email_software(world):  # noqa: ANN001
    software = Software.objects.get(code="EMAIL")
    imports.import_mapping_save(software=software, email_header="Email người dùng", username_header="",
                                action_header="Thao tác", occurred_at_header="Thời gian",
                                event_id_header="Mã sự kiện")
    return software


def upload(text: str | bytes, name: str = "log.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def run(software, content, user, name: str = "log.csv") -> UsageImport:  # noqa: ANN001
    batch = imports.usage_import_start(software=software, upload=upload(content, name), user=user)
    return imports.usage_import_check(batch=batch, max_seconds=None)


GOOD = HEADER + (
    "officer@moj.gov.vn,Gửi thư điện tử công vụ,02/03/2026 08:15,m-1\n"
    "OFFICER@moj.gov.vn,mail_sent,2026-03-02 09:00,m-2\n"
    "manager@moj.gov.vn,mail sent,03/03/2026,m-3\n"
)


def test_valid_file_previews_then_applies_all_rows(world, email_software):
    batch = run(email_software, GOOD, world.user("admin"))
    assert batch.status == UsageImport.Status.PREVIEW, batch.errors
    assert (batch.total_rows, batch.new_rows, batch.known_rows, batch.error_count) == (3, 3, 0, 0)
    assert batch.days == ["2026-03-02", "2026-03-03"]
    assert not UsageEvent.objects.exists()  # nothing saved before confirmation

    result = imports.usage_import_apply(batch=batch, user=world.user("admin"))

    assert result.inserted == 3
    events = UsageEvent.objects.order_by("external_id")
    assert [(e.officer.email, e.action.code, e.external_id) for e in events] == [
        ("officer@moj.gov.vn", "mail_sent", "m-1"), ("officer@moj.gov.vn", "mail_sent", "m-2"),
        ("manager@moj.gov.vn", "mail_sent", "m-3")]
    assert events[0].day == date(2026, 3, 2) and events[0].source_system == "EMAIL"


def test_reimporting_the_same_file_changes_nothing(world, email_software):
    imports.usage_import_apply(batch=run(email_software, GOOD, world.user("admin")), user=world.user("admin"))
    again = run(email_software, GOOD, world.user("admin"))
    assert (again.new_rows, again.known_rows) == (0, 3)
    assert imports.usage_import_apply(batch=again, user=world.user("admin")).inserted == 0
    assert UsageEvent.objects.count() == 3


def test_file_without_event_ids_is_idempotent_too(world):
    software = Software.objects.get(code="CKS")
    imports.import_mapping_save(software=software, email_header="", username_header="Tài khoản",
                                action_header="Hành động", occurred_at_header="Lúc")
    content = "Tài khoản;Hành động;Lúc\nofficer;Ký số văn bản;02/03/2026 08:00\nmanager;document_signed;02/03/2026 09:00\n"
    imports.usage_import_apply(batch=run(software, content, world.user("admin")), user=world.user("admin"))
    again = run(software, content, world.user("admin"))
    assert (again.new_rows, again.known_rows) == (0, 2)
    assert UsageEvent.objects.filter(software=software).count() == 2


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_saved(world, email_software):
    content = HEADER + (
        "officer@moj.gov.vn,Gửi thư điện tử công vụ,02/03/2026 08:15,m-1\n"  # row 2: fine
        "officer@moj.gov.vn,Ký số,02/03/2026 08:15,m-2\n"  # row 3: not an EMAIL action
        "officer@moj.gov.vn,mail_sent,31/02/2026,m-3\n"  # row 4: no such date
        "officer@moj.gov.vn,mail_sent,01/01/2099 08:00,m-4\n"  # row 5: future
        ",mail_sent,02/03/2026,m-5\n"  # row 6: no officer
        "officer@moj.gov.vn,mail_sent,02/03/2026 10:00,m-1\n"  # row 7: repeats row 2's id
    )
    batch = run(email_software, content, world.user("admin"))
    assert batch.status == UsageImport.Status.INVALID
    assert [(error["row"], error["column"]) for error in batch.errors] == [
        (3, "Thao tác"), (4, "Thời gian"), (5, "Thời gian"), (6, "Email người dùng"), (7, "Mã sự kiện")]
    assert "Ký số" in batch.errors[0]["message"] and "EMAIL" in batch.errors[0]["message"]
    assert batch.errors[4]["message"] == "Mã sự kiện «m-1» trùng với dòng 2."
    with pytest.raises(imports.UsageImportError):
        imports.usage_import_apply(batch=batch, user=world.user("admin"))
    assert not UsageEvent.objects.exists()
    assert not batch.staged_rows.exists()


def test_unmatched_officers_are_listed_and_skipped_only_when_acknowledged(world, email_software):
    content = GOOD + "stranger@moj.gov.vn,mail_sent,02/03/2026 10:00,m-9\n"
    batch = run(email_software, content, world.user("admin"))
    assert batch.status == UsageImport.Status.PREVIEW
    assert batch.unmatched_count == 1
    assert batch.unmatched == [{"row": 5, "who": "stranger@moj.gov.vn"}]
    with pytest.raises(imports.UsageImportError, match="1"):
        imports.usage_import_apply(batch=batch, user=world.user("admin"))
    assert not UsageEvent.objects.exists()
    assert imports.usage_import_apply(batch=batch, user=world.user("admin"), skip_unmatched=True).inserted == 3


def test_officer_outside_the_importers_scope_is_an_error(world, email_software):
    from core.roles import Role
    from org import services as org_services

    # A unit manager of A imports: the officer of B is outside their scope.
    content = HEADER + "officer@moj.gov.vn,mail_sent,02/03/2026,m-1\nother_b@moj.gov.vn,mail_sent,02/03/2026,m-2\n"
    manager = world.user("unit_manager")
    assert Role.UNIT_MANAGER in {group.name for group in manager.groups.all()}
    batch = run(email_software, content, manager)
    assert batch.status == UsageImport.Status.INVALID
    assert [(error["row"], error["column"]) for error in batch.errors] == [(3, "Email người dùng")]
    assert "other_b@moj.gov.vn" in batch.errors[0]["message"]
    assert org_services  # the scope rule is org's; nothing imported
    assert not UsageEvent.objects.exists()


def test_windows_1258_csv_is_read(world):
    software = Software.objects.get(code="QLVB")
    imports.import_mapping_save(software=software, email_header="Email", username_header="",
                                action_header="Công việc", occurred_at_header="Thời điểm")
    text = "Email,Công việc,Thời điểm\nofficer@moj.gov.vn,Xử lý văn bản,02/03/2026 08:00\n"
    from cases.tests.test_services_imports import encode_cp1258

    encoded = encode_cp1258(text)
    assert encoded.decode("cp1258") != text  # tone marks apart, as Vietnamese Excel writes them
    batch = run(software, encoded, world.user("admin"))
    assert batch.status == UsageImport.Status.PREVIEW, batch.errors
    assert batch.new_rows == 1


def test_xlsx_file_is_read(world, email_software):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email người dùng", "Thao tác", "Thời gian", "Mã sự kiện"])
    from datetime import datetime

    sheet.append(["officer@moj.gov.vn", "mail_sent", datetime(2026, 3, 2, 8, 30), "x-1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = run(email_software, buffer.getvalue(), world.user("admin"), name="log.xlsx")
    assert batch.status == UsageImport.Status.PREVIEW, batch.errors
    imports.usage_import_apply(batch=batch, user=world.user("admin"))
    assert UsageEvent.objects.get().day == date(2026, 3, 2)


def test_missing_header_is_named(world, email_software):
    batch = run(email_software, "Email người dùng,Thời gian\nofficer@moj.gov.vn,02/03/2026\n", world.user("admin"))
    assert batch.status == UsageImport.Status.INVALID
    assert batch.errors[0]["row"] == 1 and "Thao tác" in batch.errors[0]["column"]


def test_too_large_or_wrong_files_are_refused_before_anything_is_kept(world, email_software, settings):
    settings.THADS_USAGE_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("log.csv", b"x" * (20 * 1024 * 1024))
    with pytest.raises(imports.UsageImportError, match="20.0"):
        imports.usage_import_start(software=email_software, upload=big, user=world.user("admin"))
    with pytest.raises(imports.UsageImportError):
        imports.usage_import_start(software=email_software, upload=upload("a", "log.pdf"), user=world.user("admin"))
    with pytest.raises(imports.UsageImportError, match="HOP"):
        imports.usage_import_start(software=Software.objects.get(code="HOP"), upload=upload(GOOD),
                                   user=world.user("admin"))
    assert not UsageImport.objects.exists()


def test_checking_in_steps_reports_progress(world, email_software, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    lines = "".join(f"officer@moj.gov.vn,mail_sent,02/03/2026 08:{minute:02d},p-{minute}\n" for minute in range(7))
    batch = imports.usage_import_start(software=email_software, upload=upload(HEADER + lines),
                                       user=world.user("admin"))
    assert batch.estimated_rows == 8
    batch = imports.usage_import_check(batch=batch, max_seconds=0)
    assert (batch.status, batch.rows_read) == (UsageImport.Status.CHECKING, 2)
    assert 0 < batch.progress_percent < 100
    while batch.status == UsageImport.Status.CHECKING:
        batch = imports.usage_import_check(batch=batch, max_seconds=0)
    assert (batch.status, batch.total_rows, batch.new_rows) == (UsageImport.Status.PREVIEW, 7, 7)


def test_a_late_import_marks_its_days_for_refill(world, email_software):
    counts_fill(through=date(2026, 3, 5), start=date(2026, 3, 1))
    imports.usage_import_apply(batch=run(email_software, GOOD, world.user("admin")), user=world.user("admin"))
    assert sorted(RefillDay.objects.values_list("day", flat=True)) == [date(2026, 3, 2), date(2026, 3, 3)]


# #VALUE! is one of the seven error values python-calamine knows; #GETTING_DATA (a time read from a data
# source that had not answered when the file was saved) one it refuses the sheet for.
@pytest.mark.parametrize("error", ["#VALUE!", "#GETTING_DATA"])
def test_a_required_cell_holding_an_excel_error_is_named_by_row_and_column(world, email_software, error):
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email người dùng", "Thao tác", "Thời gian", "Mã sự kiện"])
    sheet.append(["officer@moj.gov.vn", "mail_sent", datetime(2026, 3, 2, 8, 30), "x-1"])
    sheet.append(["officer@moj.gov.vn", "mail_sent", error, "x-2"])
    sheet["C3"].data_type = "e"  # a date formula that failed, as Excel saves it
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert f'<c r="C3" t="e"><v>{error}</v></c>'.encode() in archive.read("xl/worksheets/sheet1.xml")
    batch = run(email_software, buffer.getvalue(), world.user("admin"), name="log.xlsx")
    assert batch.status != UsageImport.Status.PREVIEW
    assert [(found["row"], found["column"], found["message"]) for found in batch.errors] == [
        (3, "Thời gian", f"Ô ở dòng 3, cột «Thời gian» đang báo lỗi Excel {error} thay vì có giá trị (thường do "
                         "công thức trong ô không tính được). Hãy sửa hoặc nhập lại giá trị của ô này rồi tải tệp "
                         "lên lại.")]
