"""org pages: officer list (scope, search, htmx, query budget), units, staff import, officer edit."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD
from org import services
from org.models import Officer, StaffImport, Unit
from org.tests.test_services_import import GOOD_ROWS, HEADERS, xlsx

LIST = reverse("org:officer-list")


def add_officers(world, count: int, unit: str = "A1") -> None:  # noqa: ANN001
    start = Officer.objects.count()
    for index in range(start, start + count):
        services.officer_create(full_name=f"Hồ Thị Số {index}", email=f"so{index}@moj.gov.vn",
                                unit=world.units[unit], position=world.positions["clerk"])


def list_queries(client, query: str = "") -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + query)
    assert response.status_code == 200
    return len(queries)


# --- Officer list ----------------------------------------------------------------------------------

def test_manager_lands_on_own_units_officers(client_for, world):  # noqa: ANN001
    response = client_for("unit_manager").get(LIST)
    html = response.content.decode()
    assert "Trần Thị OTHER_A1" in html and world.officers["officer"].full_name in html
    assert "Trần Thị OTHER_B" not in html and "Huỳnh Lãnh Đạo" not in html


def test_officer_list_query_budget_is_flat(client_for, world, django_assert_max_num_queries):  # noqa: ANN001
    leader = client_for("provincial_leader")
    filtered = f"?q=so&unit={world.units['A'].pk}&position={world.positions['clerk'].pk}&status=all"
    add_officers(world, 10 - Officer.objects.count() + 1)
    leader.get(LIST)  # a first visit fills the per-process caches (signed-in user, officer, roles)
    small = {query: list_queries(leader, query) for query in ("", filtered, "?page=2")}
    add_officers(world, 90)
    assert Officer.objects.count() > 100
    with django_assert_max_num_queries(12):
        response = leader.get(LIST)
    assert response.context["page"].paginator.count == Officer.objects.count()
    assert len(response.context["page"]) == 50
    large = {query: list_queries(leader, query) for query in ("", filtered, "?page=2")}
    assert large == small
    with django_assert_max_num_queries(12):
        leader.get(LIST + filtered, headers={"HX-Request": "true"})


def test_accent_free_search_finds_the_officer(client_for, world):  # noqa: ANN001
    response = client_for("admin").get(LIST, {"q": "nguyen van a"})
    names = [officer.full_name for officer in response.context["page"]]
    assert names == ["Nguyễn Văn Á"]


def test_search_by_email_and_unit_filter(client_for, world):  # noqa: ANN001
    admin = client_for("admin")
    by_email = admin.get(LIST, {"q": "OTHER_B@moj"})
    assert [officer.email for officer in by_email.context["page"]] == ["other_b@moj.gov.vn"]
    by_unit = admin.get(LIST, {"unit": world.units["A"].pk})
    assert {officer.unit.code for officer in by_unit.context["page"]} == {"A", "A1"}


def test_manager_cannot_filter_into_another_unit(client_for, world):  # noqa: ANN001
    response = client_for("unit_manager").get(LIST, {"unit": world.units["B"].pk})
    assert "other_b@moj.gov.vn" not in response.content.decode()


def test_htmx_request_gets_only_the_table(client_for, world):  # noqa: ANN001
    manager = client_for("unit_manager")
    response = manager.get(LIST, {"q": "tran thi"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="officer-table"')
    assert "<html" not in html and "<form" not in html
    assert "Trần Thị OTHER_A1" in html and "Nguyễn Văn Á" not in html
    restore = manager.get(LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_filter_form_swaps_the_table_in_place(client_for, world):  # noqa: ANN001
    html = client_for("admin").get(LIST).content.decode()
    assert 'hx-target="#officer-table"' in html and 'hx-swap="outerHTML"' in html
    for field in ("id_q", "id_unit", "id_position", "id_status"):
        assert f'id="{field}"' in html and f'for="{field}"' in html


def test_inactive_officers_listed_on_request(client_for, world):  # noqa: ANN001
    services.officer_update(officer=world.officers["other_b"], is_active=False)
    admin = client_for("admin")
    assert "other_b@moj.gov.vn" not in admin.get(LIST).content.decode()
    assert "other_b@moj.gov.vn" in admin.get(LIST, {"status": "inactive"}).content.decode()


# --- Officer create / edit -------------------------------------------------------------------------

def officer_post(world, **changes) -> dict:  # noqa: ANN001, ANN003
    officer = world.officers["other_b"]
    data = {"full_name": officer.full_name, "email": officer.email, "unit": officer.unit_id,
            "position": officer.position_id, "it_level": "b", "is_active": "on", "roles": ["officer"]}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_deactivating_an_officer_blocks_sign_in_and_ends_sessions(client_for, world):  # noqa: ANN001
    from django.test import Client

    target = world.officers["other_b"]
    their_session = Client()
    assert their_session.login(username=target.user.username, password=PASSWORD)
    response = client_for("admin").post(reverse("org:officer-edit", args=[target.pk]),
                                        officer_post(world, is_active=None))
    assert response.status_code == 302
    target.refresh_from_db()
    target.user.refresh_from_db()
    assert not target.is_active and not target.user.is_active
    assert not Client().login(username=target.user.username, password=PASSWORD)
    followed = their_session.get(reverse("core:home"))
    assert followed.status_code == 302 and "/accounts/login/" in followed["Location"]


def test_admin_creates_an_officer_with_roles(client_for, world):  # noqa: ANN001
    data = officer_post(world, full_name="Đinh Thị Mới", email="Moi@MOJ.gov.vn", roles=["officer", "trainer"])
    response = client_for("admin").post(reverse("org:officer-create"), data)
    officer = Officer.objects.get(email="moi@moj.gov.vn")
    assert response["Location"] == reverse("org:officer-detail", args=[officer.pk])
    assert set(officer.user.groups.values_list("name", flat=True)) == {"officer", "trainer"}
    duplicate = client_for("admin").post(reverse("org:officer-create"), data)
    assert duplicate.status_code == 200 and Officer.objects.filter(email="moi@moj.gov.vn").count() == 1


# --- Units -----------------------------------------------------------------------------------------

def test_unit_create_edit_and_move_through_the_pages(client_for, world):  # noqa: ANN001
    admin = client_for("admin")
    kind = world.units["A"].kind_id
    response = admin.post(reverse("org:unit-create"), {"code": "A2", "name": "Tổ A2", "kind": kind,
                                                        "parent": world.units["A"].pk, "is_active": "on"})
    assert response.status_code == 302
    a2 = Unit.objects.get(code="A2")
    assert a2.path.startswith(world.units["A"].path) and a2.depth == 2
    sub = services.unit_create(code="A2X", name="Nhóm A2X", kind=a2.kind, parent=a2)
    # Move A2 (with its child) under B.
    response = admin.post(reverse("org:unit-edit", args=[a2.pk]), {
        "code": "A2", "name": "Tổ A2 (mới)", "kind": kind, "parent": world.units["B"].pk, "is_active": "on"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.path == world.units["B"].path + f"{a2.pk:06d}/{sub.pk:06d}/" and sub.depth == 3
    assert Unit.objects.get(pk=a2.pk).name == "Tổ A2 (mới)"
    listing = admin.get(reverse("org:unit-list")).content.decode()
    assert "Tổ A2 (mới)" in listing and "Nhóm A2X" in listing


def test_moving_a_unit_under_its_descendant_is_refused_on_the_page(client_for, world):  # noqa: ANN001
    unit_a = world.units["A"]
    response = client_for("admin").post(reverse("org:unit-edit", args=[unit_a.pk]), {
        "code": "A", "name": "Chi cục A", "kind": unit_a.kind_id, "parent": world.units["A1"].pk, "is_active": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Unit.objects.get(pk=unit_a.pk).parent_id == world.units["P"].pk


def test_unit_code_must_be_unique(client_for, world):  # noqa: ANN001
    response = client_for("admin").post(reverse("org:unit-create"), {
        "code": "B", "name": "Trùng", "kind": world.units["B"].kind_id, "is_active": "on"})
    assert response.status_code == 200 and response.context["form"].errors["code"]


# --- Staff import through the pages ----------------------------------------------------------------

def test_template_download_is_an_xlsx_with_vietnamese_headers(client_for, world):  # noqa: ANN001
    response = client_for("admin").get(reverse("org:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    first = workbook.worksheets[0]
    rows = list(first.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    units_sheet = [row[0] for row in workbook["Don vi"].iter_rows(values_only=True)]
    assert {"P", "A", "A1", "B"} <= set(units_sheet)


def test_template_example_row_previews_cleanly(client_for, world, django_user_model):  # noqa: ANN001
    content = client_for("admin").get(reverse("org:import-template")).content
    imp = services.staff_import_preview(by=world.user("admin"), file_name="mau.xlsx", content=content)
    assert imp.status == StaffImport.Status.PREVIEW, imp.errors


def test_import_upload_preview_confirm(client_for, world):  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = client_for("admin")
    before = Officer.objects.count()
    upload = SimpleUploadedFile("danh-sach.xlsx", xlsx(GOOD_ROWS))
    response = admin.post(reverse("org:import-start"), {"file": upload})
    assert response.status_code == 302
    imp = StaffImport.objects.get()
    assert response["Location"] == reverse("org:import-detail", args=[imp.pk])
    assert Officer.objects.count() == before
    page = admin.get(response["Location"]).content.decode()
    assert page.count('class="badge ok"') == 3 and "<td>create</td>" not in page
    assert reverse("org:import-apply", args=[imp.pk]) in page
    response = admin.post(reverse("org:import-apply", args=[imp.pk]))
    assert response.status_code == 302
    assert Officer.objects.count() == before + 3
    imp.refresh_from_db()
    assert imp.status == StaffImport.Status.APPLIED
    # Upload the same file again: everything is unchanged.
    response = admin.post(reverse("org:import-start"), {"file": SimpleUploadedFile("danh-sach.xlsx", xlsx(GOOD_ROWS))})
    again = admin.get(response["Location"]).content.decode()
    assert 'class="badge ok"' not in again and 'class="badge warn"' not in again
    assert StaffImport.objects.order_by("-pk").first().summary == {"create": 0, "update": 0, "unchanged": 3}


def test_import_with_errors_shows_them_and_offers_no_confirm(client_for, world):  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = client_for("admin")
    bad = SimpleUploadedFile("sai.xlsx", xlsx(GOOD_ROWS + [["", "x@moj.gov.vn", "ZZ", "clerk"]]))
    response = admin.post(reverse("org:import-start"), {"file": bad}, follow=True)
    html = response.content.decode()
    assert 'id="import-errors"' in html and "Thiếu họ và tên." in html and "«ZZ»" in html
    imp = StaffImport.objects.get()
    assert reverse("org:import-apply", args=[imp.pk]) not in html
    before = Officer.objects.count()
    admin.post(reverse("org:import-apply", args=[imp.pk]))
    assert Officer.objects.count() == before


def test_upload_of_other_file_types_is_refused_by_the_form(client_for, world):  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("admin").post(reverse("org:import-start"),
                                        {"file": SimpleUploadedFile("anh.png", b"\x89PNG\r\n")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not StaffImport.objects.exists()


def test_import_preview_names_positions_in_vietnamese_not_by_code(client_for, world):  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = client_for("admin")
    response = admin.post(reverse("org:import-start"), {"file": SimpleUploadedFile("danh-sach.xlsx", xlsx(GOOD_ROWS))})
    page = admin.get(response["Location"]).content.decode()
    rows = page.split("<tbody>", 1)[1]
    # Typed as the code "enforcement_officer", "clerk", and as the name "Thư ký" (matched without accents).
    assert "<td>Chấp hành viên</td>" in rows and rows.count("<td>Thư ký</td>") == 2
    assert "enforcement_officer" not in page and "<td>clerk</td>" not in rows
