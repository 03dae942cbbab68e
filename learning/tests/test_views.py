from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from learning import services
from learning.formats.markdown_text import render_markdown
from learning.models import Certificate, Enrollment, Lesson
from learning.tests.factories import due_in, make_course

pytestmark = pytest.mark.django_db


def _complete(officer, course):  # noqa: ANN001, ANN202
    services.enrollment_self_enroll(officer=officer, course=course)
    for lesson in course.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    return Certificate.objects.get(officer=officer, course=course)


def test_markdown_script_is_neutralised():
    html = render_markdown('Xin chào <script>alert(1)</script>\n\n[bấm](javascript:alert(1)) '
                           '<img src="/x.png" onerror="alert(1)"> <a href="/a" onclick="x()">a</a>')
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html
    assert '<img src="/x.png">' in html and "Xin chào" in html


def test_certificate_pdf_has_vietnamese_name_and_verify_page_confirms(world, client_for):
    officer = world.officers["officer"]
    course = make_course(title="Chữ ký số và văn bản điện tử")
    certificate = _complete(officer, course)
    response = client_for("officer").get(reverse("learning:certificate-pdf", kwargs={"code": certificate.code}))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Nguyễn Văn Á" in text
    assert "Chữ ký số và văn bản điện tử" in text
    assert certificate.code in text
    page = Client().get(reverse("learning:certificate-verify", kwargs={"code": certificate.code}))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn Á" in body and "Chữ ký số và văn bản điện tử" in body
    assert officer.email not in body and officer.unit.name not in body
    services.certificate_revoke(certificate=certificate, reason="Cấp nhầm")
    body = Client().get(reverse("learning:certificate-verify", kwargs={"code": certificate.code})).content.decode()
    assert "Cấp nhầm" not in body
    assert Client().get(reverse("learning:certificate-verify", kwargs={"code": "NOPE"})).status_code == 404


def test_my_courses_query_count_is_flat(world, client_for, django_assert_max_num_queries):
    officer = world.officers["officer"]
    client = client_for("officer")
    make_course(code="X0")
    services.assignment_create(course=make_course(code="X1"), unit=world.units["A"], due_date=due_in(3))
    client.get(reverse("learning:my-courses"))
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("learning:my-courses")).status_code == 200
    for index in range(2, 12):
        course = make_course(code=f"X{index}", lessons=1)
        services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(index))
        if index % 2:
            _complete(officer, course)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("learning:my-courses"))
    assert response.content.decode().count("learning/certificates/") >= 5


def test_report_query_count_is_flat_and_scoped(world, client_for, django_assert_max_num_queries):
    client = client_for("unit_manager")
    course = make_course()
    services.assignment_create(course=course, unit=world.units["P"], due_date=due_in(3))
    with django_assert_max_num_queries(15) as small:
        response = client.get(reverse("learning:report"))
    assert "Chi cục B" not in response.content.decode()
    for index in range(5):
        services.assignment_create(course=make_course(code=f"R{index}"), unit=world.units["P"], due_date=due_in(3))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("learning:report"))
    assert response.status_code == 200
    export = client.get(reverse("learning:report-export") + f"?course={course.pk}")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.content))
    names = [row[0] for row in book["Chi tiết cán bộ"].iter_rows(min_row=2, values_only=True)]
    assert "Nguyễn Văn Á" in names and "Trần Thị OTHER_B" not in names


def test_officer_cannot_tick_a_quiz_lesson_and_sees_quiz_not_available(world, client_for):
    course = make_course(lessons=0, quiz=True)
    services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    lesson = course.lessons.get()
    client = client_for("officer")
    page = client.get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk})).content.decode()
    assert "lesson-complete" not in page and reverse("learning:lesson-complete", kwargs={"pk": lesson.pk}) not in page
    client.post(reverse("learning:lesson-complete", kwargs={"pk": lesson.pk}))
    assert not Enrollment.objects.get(course=course).completed_at


def test_prerequisite_message_on_lesson_page(world, client_for):
    basics = make_course(code="IU01", title="Hiểu biết về CNTT cơ bản")
    course = make_course(code="QLTHA")
    course.prerequisites.add(basics)
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(5))
    page = client_for("officer").get(reverse("learning:lesson-detail", kwargs={"pk": course.lessons.first().pk}))
    assert "Hiểu biết về CNTT cơ bản" in page.content.decode()


def test_upload_limits_give_clear_messages(world, client_for):
    course = make_course()
    module = course.modules.first()
    client = client_for("trainer")
    response = client.post(reverse("learning:lesson-create", kwargs={"pk": module.pk}), {
        "title": "Video", "kind": "video", "position": 0, "estimated_minutes": 5, "is_required": "on",
        "video": SimpleUploadedFile("virus.exe", b"MZ..."),
    })
    assert response.status_code == 200
    assert ".exe" in response.content.decode()
    from learning import forms

    original = forms.IMAGE_MAX
    forms.IMAGE_MAX = 10
    try:
        response = client.post(reverse("learning:image-upload", kwargs={"pk": course.pk}),
                               {"image": SimpleUploadedFile("anh.png", b"x" * 2048)}, follow=True)
    finally:
        forms.IMAGE_MAX = original
    assert "MB" in response.content.decode()
    assert not course.images.exists()


def test_video_is_served_with_range_requests(world, client_for):
    course = make_course(lessons=0, publish=False)
    lesson = services.lesson_save(module=course.modules.first(), title="Video", kind=Lesson.Kind.VIDEO,
                                  video=SimpleUploadedFile("bai.mp4", bytes(range(200)), content_type="video/mp4"))
    services.course_publish(course=course)
    services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    client = client_for("officer")
    url = reverse("learning:lesson-video", kwargs={"pk": lesson.pk})
    response = client.get(url, HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 10-19/200"
    assert b"".join(response.streaming_content) == bytes(range(10, 20))
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == bytes(range(195, 200))
    assert client.get(url, HTTP_RANGE="bytes=500-").status_code == 416
    full = client.get(url)
    assert full.status_code == 200 and full["Accept-Ranges"] == "bytes"
    assert client_for("judge").get(url).status_code == 404


def test_trainer_builds_and_publishes_a_course_in_the_site(world, client_for):
    client = client_for("trainer")
    response = client.post(reverse("learning:course-create"), {
        "code": "HOP", "title": "Họp trực tuyến", "category": "e_office", "level": "beginner",
        "estimated_minutes": 30, "skill_tags": "iu06, IU06",
    })
    from learning.models import Course

    course = Course.objects.get(code="HOP")
    assert response.url == reverse("learning:course-edit", kwargs={"pk": course.pk})
    assert course.skill_tags == "IU06"
    client.post(reverse("learning:module-create", kwargs={"pk": course.pk}), {"module-title": "Chuẩn bị"})
    module = course.modules.get()
    client.post(reverse("learning:lesson-create", kwargs={"pk": module.pk}), {
        "title": "Kiểm tra micro", "kind": "text", "body": "Bật **micro**", "estimated_minutes": 5,
        "is_required": "on", "position": 0,
    })
    assert course.lessons.count() == 1
    client.post(reverse("learning:course-publish", kwargs={"pk": course.pk}))
    course.refresh_from_db()
    assert course.is_published
    lesson_page = client.get(reverse("learning:lesson-detail", kwargs={"pk": course.lessons.get().pk}))
    assert "<strong>micro</strong>" in lesson_page.content.decode()


def test_home_panel_shows_due_courses_with_continue_link(world, client_for):
    course = make_course(title="Hộp thư điện tử công vụ")
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(2))
    body = client_for("officer").get(reverse("core:home")).content.decode()
    assert "Hộp thư điện tử công vụ" in body
    assert reverse("learning:course-resume", kwargs={"pk": course.pk}) in body
