"""Staff import: preview with row-level errors, all-or-nothing apply, idempotent re-import."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from core.models import AuditEvent, User
from org import services
from org.models import ITLevel, Officer, StaffImport

HEADERS = ["Họ và tên", "Email công vụ", "Mã đơn vị", "Mã chức danh", "Trình độ tin học", "Đầu mối CNTT",
           "Tên đăng nhập", "Đang công tác"]
GOOD_ROWS = [
    ["Nguyễn Thị Ánh Tuyết", "tuyetnta@moj.gov.vn", "A", "clerk", "B", "", "", "Có"],
    ["Trần Văn Đức", "ductv@moj.gov.vn", "A1", "enforcement_officer", "Cơ bản", "x", "", ""],
    ["Lê Hoàng Phượng", "phuonglh@moj.gov.vn", "B", "Thư ký", "Nâng cao", "", "phuonglh", "Có"],
]


def xlsx(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[list[str]], headers: list[str] = HEADERS, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Encode as Excel on Vietnamese Windows does: precomposed letters where the code page has them,
    otherwise the base letter followed by a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        # "ộ" is o + dot below + circumflex: Windows writes "ô" then the dot below.
        candidates = [char] + [unicodedata.normalize("NFC", base + mark) + "".join(marks[:i] + marks[i + 1:])
                               for i, mark in enumerate(marks)] + [base + "".join(marks)]
        for candidate in candidates:
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", char, 0, 1, "no Windows-1258 form")
    return bytes(out)


@pytest.fixture
def admin(world):  # noqa: ANN001, ANN201
    return world.user("admin")


def counts() -> tuple[int, int]:
    return Officer.objects.count(), User.objects.count()


def preview(admin, name: str, content: bytes) -> StaffImport:  # noqa: ANN001
    return services.staff_import_preview(by=admin, file_name=name, content=content)


def assert_applied(names: list[str]) -> None:
    stored = dict(Officer.objects.filter(email__in=[row[1] for row in GOOD_ROWS]).values_list("email", "full_name"))
    assert sorted(stored.values()) == sorted(names)


# --- Good files ---------------------------------------------------------------------------------

def test_good_xlsx_previews_then_applies(admin, world):  # noqa: ANN001
    before = counts()
    imp = preview(admin, "danh-sach.xlsx", xlsx(GOOD_ROWS))
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors
    assert imp.errors == []
    assert imp.summary == {"create": 3, "update": 0, "unchanged": 0}
    assert [row["action"] for row in imp.rows] == ["create"] * 3
    assert counts() == before, "the preview must not save any officer"

    summary = services.staff_import_apply(staff_import=imp, by=admin)
    assert summary == {"create": 3, "update": 0, "unchanged": 0}
    assert counts() == (before[0] + 3, before[1] + 3)
    duc = Officer.objects.select_related("unit", "position", "user").get(email="ductv@moj.gov.vn")
    assert (duc.full_name, duc.unit.code, duc.position.code) == ("Trần Văn Đức", "A1", "enforcement_officer")
    assert duc.it_level == ITLevel.BASIC and duc.is_it_focal and duc.is_active
    assert duc.user.username == "ductv@moj.gov.vn" and not duc.user.has_usable_password()
    assert duc.search_name == "tran van duc"
    phuong = Officer.objects.select_related("user", "position").get(email="phuonglh@moj.gov.vn")
    assert phuong.user.username == "phuonglh" and phuong.position.code == "clerk"  # matched by name
    assert phuong.it_level == ITLevel.ADVANCED
    imp.refresh_from_db()
    assert imp.status == StaffImport.Status.APPLIED and imp.applied_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == admin and event.target == "danh-sach.xlsx"
    assert event.detail["create"] == 3 and event.detail["sha256"] == imp.file_sha256


def test_good_csv_applies(admin, world):  # noqa: ANN001
    imp = preview(admin, "ds.csv", csv_text(GOOD_ROWS).encode("utf-8"))
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors
    services.staff_import_apply(staff_import=imp, by=admin)
    assert_applied([row[0] for row in GOOD_ROWS])


def test_utf8_bom_csv_keeps_vietnamese_names_exactly(admin, world):  # noqa: ANN001
    content = "\ufeff".encode() + csv_text(GOOD_ROWS).encode("utf-8")
    imp = preview(admin, "excel-utf8.csv", content)
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors
    assert [row["full_name"] for row in imp.rows] == [row[0] for row in GOOD_ROWS]
    services.staff_import_apply(staff_import=imp, by=admin)
    assert_applied([row[0] for row in GOOD_ROWS])


def test_windows_1258_csv_keeps_vietnamese_names_exactly(admin, world):  # noqa: ANN001
    content = cp1258(csv_text(GOOD_ROWS))
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the file really is in the Windows code page
    imp = preview(admin, "excel-1258.csv", content)
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors
    names = [row["full_name"] for row in imp.rows]
    assert names == [row[0] for row in GOOD_ROWS]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    services.staff_import_apply(staff_import=imp, by=admin)
    assert_applied([row[0] for row in GOOD_ROWS])
    assert Officer.objects.filter(search_name="nguyen thi anh tuyet").exists()


def test_semicolon_csv_with_quotes_is_read(admin, world):  # noqa: ANN001
    rows = [["Phạm \"Út\" Em", "emp@moj.gov.vn", "A", "clerk", "", "", "", ""],
            ["Võ Thị; Hai", "haivt@moj.gov.vn", "B", "clerk", "A", "", "", ""]]
    imp = preview(admin, "chấm-phẩy.csv", csv_text(rows, delimiter=";").encode("utf-8-sig"))
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors
    assert [row["full_name"] for row in imp.rows] == ['Phạm "Út" Em', "Võ Thị; Hai"]


def test_rows_are_numbered_as_excel_shows_them(admin, world):  # noqa: ANN001
    rows = [GOOD_ROWS[0], ["", "", "", "", "", "", "", ""], GOOD_ROWS[1], ["Thiếu Email", "", "A", "clerk"]]
    imp = preview(admin, "ds.xlsx", xlsx(rows))
    assert [row["row"] for row in imp.rows] == [2, 4, 5]
    assert imp.errors == [{"row": 5, "column": "Email công vụ", "message": "Thiếu email công vụ."}]


def test_header_aliases_and_case_insensitive_codes(admin, world):  # noqa: ANN001
    headers = ["ho ten", "EMAIL", "Đơn vị", "Chức danh"]
    imp = preview(admin, "ds.csv", csv_text([["Đỗ Văn Tư", "TU@MOJ.GOV.VN", "a1", "CLERK"]], headers).encode())
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors
    assert imp.rows[0]["email"] == "tu@moj.gov.vn" and imp.rows[0]["unit_id"] == world.units["A1"].pk


# --- Bad files: the right message, and nothing saved ------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOCX_LIKE = b"PK\x03\x04" + b"\x00" * 200  # a zip header, but not a workbook


def bad_files() -> list[tuple[str, str, bytes, list[tuple[int, str, str]]]]:
    """(id, file name, content, expected [(row, column, words in the message)])."""
    def rows(*extra: list[str]) -> list[list[str]]:
        return [GOOD_ROWS[0], *extra]

    return [
        ("png-renamed", "anh.xlsx", PNG, [(0, "", "không phải bảng tính Excel")]),
        ("pdf-renamed", "vanban.xlsx", PDF, [(0, "", "không phải bảng tính Excel")]),
        ("pdf-as-csv", "vanban.csv", PDF, [(0, "", "không phải tệp CSV")]),
        ("broken-zip", "hong.xlsx", DOCX_LIKE, [(0, "", "bị hỏng")]),
        ("old-xls", "cu.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, [(0, "", ".xls")]),
        ("wrong-headers", "sai.xlsx", xlsx(GOOD_ROWS, ["Tên", "Thư", "Nơi làm", "Việc"]),
         [(1, "Họ và tên, Email công vụ, Mã đơn vị, Mã chức danh", "thiếu cột bắt buộc")]),
        ("one-header-missing", "thieu.csv", csv_text([r[:3] for r in GOOD_ROWS], HEADERS[:3]).encode(),
         [(1, "Mã chức danh", "«Mã chức danh»")]),
        ("duplicate-email", "trung.csv",
         csv_text(rows(["Ngô Văn B", "TUYETNTA@moj.gov.vn", "A", "clerk"])).encode(),
         [(3, "Email công vụ", "trùng với dòng 2")]),
        ("malformed-email", "email.xlsx", xlsx(rows(["Ngô Văn B", "ngovanb@moj", "A", "clerk"])),
         [(3, "Email công vụ", "không đúng định dạng")]),
        ("missing-name", "ten.xlsx", xlsx(rows(["", "khongten@moj.gov.vn", "A", "clerk"])),
         [(3, "Họ và tên", "Thiếu họ và tên")]),
        ("unknown-unit", "donvi.csv", csv_text(rows(["Ngô Văn B", "b@moj.gov.vn", "ZZ-99", "clerk"])).encode(),
         [(3, "Mã đơn vị", "«ZZ-99»")]),
        ("unknown-position", "chucdanh.csv", csv_text(rows(["Ngô Văn B", "b@moj.gov.vn", "A", "phi công"])).encode(),
         [(3, "Mã chức danh", "«phi công»")]),
        ("bad-it-level", "tinhoc.csv", csv_text(rows(["Ngô Văn B", "b@moj.gov.vn", "A", "clerk", "C"])).encode(),
         [(3, "Trình độ tin học", "không hợp lệ")]),
        ("username-taken", "tendn.csv",
         csv_text(rows(["Ngô Văn B", "b@moj.gov.vn", "A", "clerk", "", "", "Manager"])).encode(),
         [(3, "Tên đăng nhập", "đã thuộc về tài khoản khác")]),
        ("utf16", "unicode.csv", csv_text(GOOD_ROWS, delimiter="\t").encode("utf-16"), [(0, "", "UTF-16")]),
        ("utf16-no-bom", "unicode.csv", csv_text(GOOD_ROWS).encode("utf-16-le"), [(0, "", "UTF-16")]),
        ("empty", "rong.csv", b"", [(0, "", "không có dữ liệu")]),
        ("header-only", "tieude.xlsx", xlsx([]), [(0, "", "không có dòng dữ liệu")]),
        ("not-a-table-type", "danh-sach.docx", xlsx(GOOD_ROWS)[:0] + b"hello", [(0, "", ".xlsx")]),
    ]


@pytest.mark.parametrize("name,content,expected", [case[1:] for case in bad_files()],
                         ids=[case[0] for case in bad_files()])
def test_bad_file_reports_row_column_message_and_saves_nothing(admin, world, name, content, expected):  # noqa: ANN001
    before = counts()
    imp = preview(admin, name, content)
    assert imp.status == StaffImport.Status.INVALID
    assert imp.summary == {}
    for row, column, words in expected:
        matches = [error for error in imp.errors if error["row"] == row and error["column"] == column
                   and words.lower() in error["message"].lower()]
        assert matches, f"expected ({row}, {column!r}, {words!r}) in {imp.errors}"
    assert all(error["message"] for error in imp.errors)
    with pytest.raises(services.OrgError):
        services.staff_import_apply(staff_import=imp, by=admin)
    assert counts() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    imp.refresh_from_db()
    assert imp.status == StaffImport.Status.INVALID


def test_one_bad_row_blocks_the_good_ones(admin, world):  # noqa: ANN001
    before = counts()
    imp = preview(admin, "ds.xlsx", xlsx(GOOD_ROWS + [["Ngô Văn B", "sai-email", "A", "clerk"]]))
    assert imp.status == StaffImport.Status.INVALID
    assert [(error["row"], error["column"]) for error in imp.errors] == [(5, "Email công vụ")]
    with pytest.raises(services.OrgError):
        services.staff_import_apply(staff_import=imp, by=admin)
    assert counts() == before


# --- Re-import, updates, atomicity ----------------------------------------------------------------

def _writes(queries: CaptureQueriesContext) -> list[str]:
    tables = ('"org_officer"', '"core_user"', "org_officer", "core_user", "auth_group")
    return [query["sql"] for query in queries.captured_queries
            if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and any(table in query["sql"].split("WHERE")[0] for table in tables)]


def test_reimporting_the_same_file_changes_nothing(admin, world):  # noqa: ANN001
    content = xlsx(GOOD_ROWS)
    services.staff_import_apply(staff_import=preview(admin, "ds.xlsx", content), by=admin)
    snapshot = list(Officer.objects.order_by("pk").values())
    users = list(User.objects.order_by("pk").values())
    again = preview(admin, "ds.xlsx", content)
    assert again.summary == {"create": 0, "update": 0, "unchanged": 3}
    assert [row["action"] for row in again.rows] == ["unchanged"] * 3
    with CaptureQueriesContext(connection) as queries:
        summary = services.staff_import_apply(staff_import=again, by=admin)
    assert summary == {"create": 0, "update": 0, "unchanged": 3}
    assert _writes(queries) == []
    assert list(Officer.objects.order_by("pk").values()) == snapshot
    assert list(User.objects.order_by("pk").values()) == users


def test_changed_rows_are_updated_and_deactivation_blocks_sign_in(admin, world, client):  # noqa: ANN001
    services.staff_import_apply(staff_import=preview(admin, "ds.xlsx", xlsx(GOOD_ROWS)), by=admin)
    officer = world.officers["other_b"]
    rows = [GOOD_ROWS[0][:3] + ["head"] + GOOD_ROWS[0][4:], GOOD_ROWS[1], GOOD_ROWS[2],
            [officer.full_name, officer.email.upper(), "B", "clerk", "", "", "", "Không"]]
    imp = preview(admin, "ds2.xlsx", xlsx(rows))
    assert imp.summary == {"create": 0, "update": 2, "unchanged": 2}, imp.errors
    assert [row["action"] for row in imp.rows] == ["update", "unchanged", "unchanged", "update"]
    services.staff_import_apply(staff_import=imp, by=admin)
    assert Officer.objects.get(email="tuyetnta@moj.gov.vn").position.code == "head"
    officer.refresh_from_db()
    officer.user.refresh_from_db()
    assert not officer.is_active and not officer.user.is_active
    assert not client.login(username=officer.user.username, password="Test-password-123")


def test_apply_is_all_or_nothing(admin, world, monkeypatch):  # noqa: ANN001
    imp = preview(admin, "ds.xlsx", xlsx(GOOD_ROWS))
    before = counts()
    real_create = services.officer_create
    calls = []

    def failing_create(**kwargs):  # noqa: ANN003, ANN202
        calls.append(kwargs["email"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "officer_create", failing_create)
    with pytest.raises(RuntimeError):
        services.staff_import_apply(staff_import=imp, by=admin)
    assert len(calls) == 2
    assert counts() == before
    imp.refresh_from_db()
    assert imp.status == StaffImport.Status.PREVIEW
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    monkeypatch.setattr(services, "officer_create", real_create)
    services.staff_import_apply(staff_import=imp, by=admin)
    assert counts() == (before[0] + 3, before[1] + 3)


def test_an_import_is_applied_once(admin, world):  # noqa: ANN001
    imp = preview(admin, "ds.xlsx", xlsx(GOOD_ROWS))
    services.staff_import_apply(staff_import=imp, by=admin)
    with pytest.raises(services.OrgError):
        services.staff_import_apply(staff_import=imp, by=admin)


def test_data_changed_since_preview_is_refused(admin, world):  # noqa: ANN001
    imp = preview(admin, "ds.xlsx", xlsx(GOOD_ROWS))
    world.units["B"].code = "B-OLD"
    world.units["B"].save(update_fields=["code"])
    before = counts()
    with pytest.raises(services.OrgError):
        services.staff_import_apply(staff_import=imp, by=admin)
    assert counts() == before


# #N/A is one of the seven error values python-calamine knows; #GETTING_DATA one it refuses the sheet for.
@pytest.mark.parametrize("error", ["#N/A", "#GETTING_DATA"])
def test_a_required_cell_holding_an_excel_error_is_named_by_row_and_column(admin, world, error):  # noqa: ANN001
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADERS, *GOOD_ROWS]:
        sheet.append(row)
    sheet["B3"] = error
    sheet["B3"].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert f'<c r="B3" t="e"><v>{error}</v></c>'.encode() in archive.read("xl/worksheets/sheet1.xml")
    imp = preview(admin, "ds.xlsx", buffer.getvalue())
    assert imp.status == StaffImport.Status.INVALID
    assert imp.errors == [{"row": 3, "column": "Email công vụ", "message": (
        f"Ô ở dòng 3, cột «Email công vụ» đang báo lỗi Excel {error} thay vì có giá trị (thường do công thức trong ô "
        "không tính được). Hãy sửa hoặc nhập lại giá trị của ô này rồi tải tệp lên lại.")}]
