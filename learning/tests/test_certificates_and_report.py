"""Public certificate look-up, the trainers' revoke screen, lesson headings, time spent and the report pages."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from learning import selectors, services
from learning.formats.markdown_text import render_markdown
from learning.models import Certificate, Enrollment, Lesson
from learning.tests.factories import due_in, make_course

pytestmark = pytest.mark.django_db


def _complete(officer, course) -> Certificate:  # noqa: ANN001
    services.enrollment_self_enroll(officer=officer, course=course)
    for lesson in course.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    return Certificate.objects.get(officer=officer, course=course)


def test_anyone_can_type_a_code_and_sees_only_the_minimal_answer(world):
    certificate = _complete(world.officers["officer"], make_course(title="Thư điện tử công vụ"))
    anonymous = Client()
    page = anonymous.get(reverse("learning:certificate-lookup"))
    assert page.status_code == 200
    assert 'for="id_code"' in page.content.decode()
    typed = f"{certificate.code[:4].lower()} - {certificate.code[4:]}"  # as typed from paper
    response = anonymous.get(reverse("learning:certificate-lookup"), {"code": typed})
    body = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert "Nguyễn Văn Á" in body and "Thư điện tử công vụ" in body
    assert re.search("hợp lệ|Valid certificate", body)
    assert "@moj.gov.vn" not in body and "Chi cục A" not in body
    missing = anonymous.get(reverse("learning:certificate-lookup"), {"code": "ZZZZ2222ZZZZ"})
    assert missing.status_code == 200 and "ZZZZ2222ZZZZ" in missing.content.decode()
    assert "Nguyễn Văn Á" not in missing.content.decode()
    assert anonymous.get(reverse("learning:certificate-verify", kwargs={"code": "ZZZZ2222ZZZZ"})).status_code == 404


def test_trainer_revokes_with_a_reason_and_the_public_page_says_revoked(world, client_for):
    certificate = _complete(world.officers["officer"], make_course())
    trainer = client_for("trainer")
    listing = trainer.get(reverse("learning:certificate-list"), {"q": "nguyen van a"}).content.decode()
    assert certificate.code in listing
    revoke_url = reverse("learning:certificate-revoke", kwargs={"code": certificate.code})
    form = trainer.get(revoke_url)
    assert form.status_code == 200 and 'for="id_reason"' in form.content.decode()
    empty = trainer.post(revoke_url, {"reason": "  "})
    assert empty.status_code == 200
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    assert trainer.post(revoke_url, {"reason": "Cấp nhầm người"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "Cấp nhầm người"
    public = Client().get(reverse("learning:certificate-lookup"), {"code": certificate.code}).content.decode()
    assert re.search("đã bị thu hồi|Revoked certificate", public)
    assert "Cấp nhầm người" in trainer.get(reverse("learning:certificate-list")).content.decode()
    assert client_for("unit_manager").get(revoke_url).status_code == 403


def test_certificate_list_is_scoped(world, client_for):
    from org import services as org_services

    outside = _complete(world.officers["other_b"], make_course(code="SC"))
    trainer = world.officers["trainer"]
    org_services.officer_update(officer=trainer, unit=world.units["A"])  # the trainer now sees only branch A
    client = client_for("trainer")
    assert outside.code not in client.get(reverse("learning:certificate-list")).content.decode()
    assert client.get(reverse("learning:certificate-revoke", kwargs={"code": outside.code})).status_code == 404


def test_markdown_headings_keep_a_heading_style(world, client_for):
    html = render_markdown("# Mở đầu\n\n## Các bước\n\n### Chi tiết\n\nVăn bản")
    assert "<h2>Mở đầu</h2>" in html and "<h3>Các bước</h3>" in html and "<h4>Chi tiết</h4>" in html
    assert "<h1" not in html
    course = make_course(code="MD", lessons=0, publish=False)
    lesson = services.lesson_save(module=course.modules.first(), title="Bài", kind=Lesson.Kind.TEXT,
                                  body="# Mở đầu\n\nVăn bản")
    page = client_for("trainer").get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk})).content.decode()
    assert "<h2>Mở đầu</h2>" in page


def test_drill_down_and_export_show_time_spent(world, client_for, django_assert_max_num_queries):
    officer = world.officers["officer"]
    course = make_course(code="TS", lessons=2)
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(5))
    first, second = course.lessons.in_order()
    services.lesson_open(officer=officer, lesson=first)
    services.lesson_open(officer=officer, lesson=second)
    for lesson, seconds in ((first, 120), (first, 120), (second, 90), (second, 10_000)):  # 10,000 is capped
        services.lesson_time_add(officer=officer, lesson=lesson, seconds=seconds)
    client = client_for("unit_manager")
    url = reverse("learning:report-officers", kwargs={"course": course.pk})
    client.get(url)
    with django_assert_max_num_queries(14) as small:
        page = client.get(url).content.decode()
    assert re.search(r"7 (phút|min)", page)  # 120 + 120 + 90 + 120 seconds
    row = re.search(r"Nguyễn Văn Á.*?</tr>", page, re.S).group(0)
    assert re.search(r"7 (phút|min)", row)
    for index in range(30):
        from org import services as org_services

        org_services.officer_create(full_name=f"Cán Bộ {index}", email=f"cb{index}@moj.gov.vn",
                                    unit=world.units["A1"], position=world.positions["clerk"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    export = client.get(reverse("learning:report-export"), {"course": course.pk})
    sheet = load_workbook(io.BytesIO(export.content))["Chi tiết cán bộ"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Thời gian học (phút)")
    minutes = {row[0]: row[column] for row in rows[1:]}
    assert minutes["Nguyễn Văn Á"] == 7 and minutes["Trần Thị OTHER_A1"] == 0


def test_report_page_and_export_show_the_same_figures_as_a_direct_count(world, client_for):
    course = make_course(code="RE", lessons=1)
    services.assignment_create(course=course, unit=world.units["P"], due_date=due_in(3))
    services.lesson_progress_complete(officer=world.officers["officer"], lesson=course.lessons.first())
    services.lesson_open(officer=world.officers["other_a1"], lesson=course.lessons.first())
    Enrollment.objects.filter(officer=world.officers["other_b"]).update(due_date=due_in(-1))
    services.enrollment_counts_refresh()  # the bulk change above went around the services
    user = world.user("provincial_leader")
    direct = selectors.report_funnel_direct(user=user)
    assert selectors.report_funnel(user=user) == direct
    client = client_for("provincial_leader")
    page = client.get(reverse("learning:report")).content.decode()
    totals = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    expected = [sum(row[key] for row in direct) for key in ("assigned", "started", "completed", "overdue")]
    assert [int(value) for value in re.findall(r'class="num">(\d+)<', totals)] == expected
    sheet = load_workbook(io.BytesIO(client.get(reverse("learning:report-export")).content))["Tổng hợp"]
    exported = [row[3:7] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [list(row) for row in exported] == [[row[key] for key in ("assigned", "started", "completed", "overdue")]
                                               for row in direct]


def test_officer_leaves_a_self_enrolled_course(world, client_for):
    course = make_course(code="LV", lessons=1)
    services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    client = client_for("officer")
    detail = client.get(reverse("learning:course-detail", kwargs={"pk": course.pk})).content.decode()
    assert reverse("learning:course-unenroll", kwargs={"pk": course.pk}) in detail
    assert client.post(reverse("learning:course-unenroll", kwargs={"pk": course.pk})).status_code == 302
    assert not Enrollment.objects.filter(officer=world.officers["officer"], course=course).exists()
