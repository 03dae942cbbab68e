"""Certificate signatories on the site: the service (audited, files kept), the pages (admins only, image
checks, preview, removal) and a certificate issued afterwards printing the new signer."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from core.models import AuditEvent
from org import services
from org.models import UnitSignatory

pytestmark = pytest.mark.django_db

LIST = reverse("org:signatory-list")


def png(name: str = "ky.png", size: tuple[int, int] = (60, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 0, 0, 255)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg(name: str = "dau.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


FIELDS = {"agency_name": "Chi cục THADS huyện A", "parent_agency": "Cục THADS tỉnh P", "place": "Rạch Giá",
          "signer_title": "Chi cục trưởng", "signer_name": "Lê Văn Ký"}


def edit_url(unit) -> str:  # noqa: ANN001
    return reverse("org:signatory-edit", kwargs={"pk": unit.pk})


# --- service ---------------------------------------------------------------------------------------

def test_save_creates_then_changes_and_audits_before_and_after(world):
    unit, admin = world.units["A"], world.user("admin")
    signatory = services.unit_signatory_save(unit=unit, by=admin, signature=png(), **FIELDS)
    assert signatory.signer_name == "Lê Văn Ký" and signatory.signature.name.startswith(f"org/signatories/{unit.pk}/")
    first_file = signatory.signature.name
    services.unit_signatory_save(unit=unit, by=admin, **{**FIELDS, "signer_name": "Phạm  Thị   Mới"},
                                 remove_signature=True, seal=jpeg())
    signatory.refresh_from_db()
    assert signatory.signer_name == "Phạm Thị Mới" and not signatory.signature and signatory.seal
    assert signatory.signature.storage.exists(first_file)  # certificates issued earlier still print it
    created, changed = AuditEvent.objects.filter(action=AuditEvent.Action.SIGNATORY_CHANGED).order_by("id")
    assert created.actor == admin and created.target == "A" and created.detail["after"]["signer_name"] == "Lê Văn Ký"
    assert changed.detail["before"] == {"signer_name": "Lê Văn Ký", "signature": first_file, "seal": ""}
    assert changed.detail["after"]["signer_name"] == "Phạm Thị Mới" and changed.detail["after"]["signature"] == ""


def test_saving_the_same_values_writes_no_audit_entry(world):
    services.unit_signatory_save(unit=world.units["A"], by=world.user("admin"), **FIELDS)
    services.unit_signatory_save(unit=world.units["A"], by=world.user("admin"), **FIELDS)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGNATORY_CHANGED).count() == 1


def test_delete_falls_back_to_the_unit_above_and_is_audited(world):
    from org.selectors import certificate_issuer_for_unit

    services.unit_signatory_save(unit=world.units["P"], by=world.user("admin"), place="Kiên Giang",
                                 signer_title="Cục trưởng", signer_name="Trần Văn Bình")
    services.unit_signatory_save(unit=world.units["A"], by=world.user("admin"), **FIELDS)
    assert certificate_issuer_for_unit(unit=world.units["A1"]).signer_name == "Lê Văn Ký"
    assert services.unit_signatory_delete(unit=world.units["A"], by=world.user("admin")) is True
    assert certificate_issuer_for_unit(unit=world.units["A1"]).signer_name == "Trần Văn Bình"
    assert services.unit_signatory_delete(unit=world.units["A"], by=world.user("admin")) is False
    last = AuditEvent.objects.filter(action=AuditEvent.Action.SIGNATORY_CHANGED).first()
    assert last.detail["before"]["signer_name"] == "Lê Văn Ký" and not last.detail["after"]


# --- pages -----------------------------------------------------------------------------------------

def test_list_shows_own_inherited_and_missing_signatories_in_a_fixed_number_of_queries(world, client_for):
    client = client_for("admin")
    client.get(LIST)  # the session and the signed-in principal are cached by the first page
    with CaptureQueriesContext(connection) as empty:
        html = client.get(LIST).content.decode()
    assert "Chưa có người ký: chứng nhận ghi tên đơn vị cấp cao nhất, không chữ ký" in html
    services.unit_signatory_save(unit=world.units["A"], by=world.user("admin"), **FIELDS)
    for index in range(5):
        services.unit_create(code=f"X{index}", name=f"Tổ X{index}", kind=world.units["A1"].kind, parent=world.units["A"])
    client.get(LIST)  # a unit saved empties the principal cache
    with CaptureQueriesContext(connection) as filled:
        html = client.get(LIST).content.decode()
    assert "Lê Văn Ký" in html and "Dùng của đơn vị cấp trên (Chi cục A)" in html  # A1 inherits from A
    assert len(filled) == len(empty)


def test_admin_creates_a_signatory_with_images_and_sees_the_preview(world, client_for):
    client = client_for("admin")
    unit = world.units["B"]
    response = client.post(edit_url(unit), {**FIELDS, "signature": png(), "seal": jpeg()})
    assert response.status_code == 302 and response["Location"] == LIST
    signatory = UnitSignatory.objects.get(unit=unit)
    assert signatory.signature and signatory.seal
    html = client.get(edit_url(unit)).content.decode()
    image_url = reverse("org:signatory-image", kwargs={"pk": unit.pk, "kind": "seal"})
    assert image_url in html and "Xóa ảnh con dấu" in html
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert client.get(reverse("org:signatory-image", kwargs={"pk": unit.pk, "kind": "other"})).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGNATORY_CHANGED, actor=world.user("admin")).exists()


def test_admin_removes_an_image(world, client_for):
    unit = world.units["B"]
    services.unit_signatory_save(unit=unit, by=world.user("admin"), seal=png("dau.png"), **FIELDS)
    response = client_for("admin").post(edit_url(unit), {**FIELDS, "remove_seal": "on"})
    assert response.status_code == 302
    assert not UnitSignatory.objects.get(unit=unit).seal


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("dau.png", b"%PDF-1.4 not a picture", content_type="image/png"),
     "Ảnh con dấu: chỉ nhận ảnh PNG hoặc JPEG."),
    (SimpleUploadedFile("dau.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
     "Ảnh con dấu: chỉ nhận ảnh PNG hoặc JPEG."),
])
def test_a_file_that_is_not_a_png_or_jpeg_is_refused_naming_the_field(world, client_for, upload, message):
    response = client_for("admin").post(edit_url(world.units["B"]), {**FIELDS, "seal": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not UnitSignatory.objects.exists() and not AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGNATORY_CHANGED).exists()


def test_an_oversized_image_is_refused_naming_the_field(world, client_for, monkeypatch):
    from org import forms

    monkeypatch.setattr(forms, "SIGNATORY_IMAGE_MAX", 100)
    response = client_for("admin").post(edit_url(world.units["B"]), {**FIELDS, "signature": png(size=(300, 300))})
    assert response.status_code == 200
    assert "Ảnh chữ ký: tệp nặng" in response.content.decode()
    assert not UnitSignatory.objects.exists()


@pytest.mark.parametrize("role", ["trainer", "unit_manager", "provincial_leader", "officer"])
def test_others_are_refused(world, client_for, role):
    client = client_for(role)
    assert client.get(LIST).status_code in {403, 404}
    assert client.post(edit_url(world.units["A"]), FIELDS).status_code in {403, 404}
    assert not UnitSignatory.objects.exists()


def test_units_menu_links_to_the_signatories(client_for):
    assert LIST in client_for("admin").get(reverse("org:unit-list")).content.decode()


# --- certificates issued afterwards ----------------------------------------------------------------

def test_a_certificate_issued_after_the_change_prints_the_new_signer(world, client_for):
    from learning import services as learning_services
    from learning.models import Certificate
    from learning.tests.factories import make_course

    admin = client_for("admin")
    admin.post(edit_url(world.units["P"]), {**FIELDS, "agency_name": "", "parent_agency": "",
                                            "signer_title": "Cục trưởng", "signer_name": "Trần Văn Cũ"})
    admin.post(edit_url(world.units["A"]), {**FIELDS, "seal": png("dau.png")})
    officer = world.officers["officer"]  # in unit A
    course = make_course()
    learning_services.enrollment_self_enroll(officer=officer, course=course)
    for lesson in course.lessons.all():
        learning_services.lesson_progress_complete(officer=officer, lesson=lesson)
    certificate = Certificate.objects.get(officer=officer, course=course)
    assert certificate.signer_name == "Lê Văn Ký" and certificate.seal_file
    response = client_for("officer").get(reverse("learning:certificate-pdf", kwargs={"code": certificate.code}))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Lê Văn Ký" in text and "CHI CỤC TRƯỞNG" in text and "Rạch Giá, ngày" in text
    assert "Trần Văn Cũ" not in text
