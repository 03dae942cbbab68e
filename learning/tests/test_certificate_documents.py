"""Course certificates as documents: number from the year's register, unit at issue, issuing agency and
signer from the unit's signatory, the configured site address, the revoked stamp and the holder's notice."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from core.certificates import qr_png
from learning import services
from learning.models import Certificate, Notification
from learning.tests.factories import make_course
from org import services as org_services
from org.models import UnitSignatory

pytestmark = pytest.mark.django_db


def _complete(officer, course) -> Certificate:  # noqa: ANN001
    services.enrollment_self_enroll(officer=officer, course=course)
    for lesson in course.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    return Certificate.objects.get(officer=officer, course=course)


def _pdf_text(response) -> str:  # noqa: ANN001
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


def test_certificate_is_numbered_and_signed_by_the_nearest_signatory(world, client_for, settings):
    settings.THADS_SITE_URL = "https://thads.example.vn"
    UnitSignatory.objects.create(
        unit=world.units["P"], parent_agency="Tổng cục Thi hành án dân sự", place="Kiên Giang",
        signer_title="Cục trưởng", signer_name="Trần Văn Bình",
        seal=SimpleUploadedFile("seal.png", qr_png("seal"), content_type="image/png"),
    )
    first = _complete(world.officers["officer"], make_course(code="C1"))
    second = _complete(world.officers["other_b"], make_course(code="C2"))
    year = first.issued_on.year
    assert (first.number, second.number) == (f"001/{year}/CN", f"002/{year}/CN")
    assert first.issuer_agency == "Cục THADS tỉnh P" and first.signer_name == "Trần Văn Bình"
    assert first.seal_file and first.holder_unit_name == "Chi cục A"

    org_services.officer_update(officer=world.officers["officer"], unit=world.units["B"])
    text = _pdf_text(client_for("officer").get(reverse("learning:certificate-pdf", kwargs={"code": first.code})))
    assert "Chi cục A" in text and "Chi cục B" not in text  # the unit at issue, not today's
    assert f"Số: 001/{year}/CN" in text and "CỤC THADS TỈNH P" in text and "TỔNG CỤC THI HÀNH ÁN DÂN SỰ" in text
    assert "CỤC TRƯỞNG" in text and "Trần Văn Bình" in text and "Kiên Giang, ngày" in text
    assert f"https://thads.example.vn/learning/verify/{first.code}/" in text  # not the host that served it


def test_without_signatory_the_top_unit_issues(world):
    certificate = _complete(world.officers["officer"], make_course())
    assert certificate.issuer_agency == "Cục THADS tỉnh P" and certificate.signer_name == ""
    assert certificate.number.startswith("001/")


def test_revoking_stamps_the_pdf_and_notifies_the_holder(world, client_for, django_capture_on_commit_callbacks):
    certificate = _complete(world.officers["officer"], make_course())
    mail.outbox.clear()
    trainer = client_for("trainer")
    revoke_url = reverse("learning:certificate-revoke", kwargs={"code": certificate.code})
    with django_capture_on_commit_callbacks(execute=True):
        assert trainer.post(revoke_url, {"reason": "Cấp nhầm người"}).status_code == 302
    notice = Notification.objects.get(reason_key=f"certificate-revoked:{certificate.pk}")
    assert notice.recipient == world.user("officer") and "Cấp nhầm người" in notice.body
    assert len(mail.outbox) == 1 and "Cấp nhầm người" in mail.outbox[0].body
    text = _pdf_text(client_for("officer").get(reverse("learning:certificate-pdf", kwargs={"code": certificate.code})))
    assert "ĐÃ THU HỒI" in text
    services.certificate_revoke(certificate=certificate, reason="again")
    assert Notification.objects.filter(reason_key__startswith="certificate-revoked").count() == 1
