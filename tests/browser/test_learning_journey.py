"""An officer completes an assigned course, downloads the certificate, and its verification page confirms it."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_completes_assigned_course_and_certificate_verifies(page, live_server, settings):  # noqa: ANN001
    from learning import services
    from learning.tests.factories import due_in, make_course

    # The certificate prints the configured site address (THADS_SITE_URL), here the test server's.
    settings.THADS_SITE_URL = live_server.url

    world = build_world()
    course = make_course(code="CKS", title="Chữ ký số trong thi hành án", lessons=2)
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(7))

    sign_in(page, "officer", PASSWORD)
    page.goto("/learning/")
    assert page.get_by_text("Chữ ký số trong thi hành án").first.is_visible()
    page.get_by_role("link", name=re.compile("Bắt đầu|Start")).first.click()
    for _lesson in range(2):
        page.get_by_role("button", name=re.compile("Đánh dấu đã học|Mark as done")).click()
        page.wait_for_load_state("networkidle")
    assert page.get_by_text(re.compile("Đã hoàn thành|Completed on")).first.is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Tải chứng nhận|Download certificate")).first.click()
    pdf_path = download_info.value.path()
    text = PdfReader(io.BytesIO(open(pdf_path, "rb").read())).pages[0].extract_text()
    assert "Nguyễn Văn Á" in text and "Chữ ký số trong thi hành án" in text
    code = re.search(r"Mã xác thực: (\w+)", text).group(1)

    # The QR code's address opens without signing in.
    verify_url = re.search(r"Kiểm tra tại: (\S+)", text).group(1)
    assert verify_url.startswith(f"{live_server.url}/learning/verify/")
    public = page.context.browser.new_context()
    try:
        verify = public.new_page()
        verify.goto(verify_url)
        body = verify.locator("main").inner_text()
        assert "Nguyễn Văn Á" in body and "Chữ ký số trong thi hành án" in body
        assert re.search("hợp lệ|Valid certificate", body)
        assert "@moj.gov.vn" not in body
        assert code in verify_url
        # Typing the code (as read from paper, in lower case with a space) on the public look-up page.
        verify.goto(verify_url.split("/learning/")[0] + "/learning/verify/")
        verify.get_by_label(re.compile("Mã xác thực|Verification code")).fill(f"{code[:6].lower()} {code[6:]}")
        verify.get_by_role("button", name=re.compile("Kiểm tra|Check")).click()
        typed = verify.locator("main").inner_text()
        assert "Nguyễn Văn Á" in typed and re.search("hợp lệ|Valid certificate", typed)
    finally:
        public.close()


def test_time_rule_lesson_completes_from_the_page_heartbeat(page, live_server):  # noqa: ANN001
    """The lesson page's static script says every half minute that it is visible; once the server has
    measured the lesson's minutes, the page says the lesson is done (no tick button on the way)."""
    import datetime as dt

    from learning import services
    from learning.models import Lesson, LessonProgress

    world = build_world()
    course = services.course_create(by=None, code="TG", title="Xem đủ thời gian", category="e_office")
    module = services.module_save(course=course, title="Phần 1")
    lesson = services.lesson_save(module=module, title="Đọc kỹ", kind=Lesson.Kind.TEXT, body="Nội dung",
                                  completion_rule="time", completion_minutes=2)
    services.course_publish(course=course)
    services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    refused: list[str] = []
    page.on("pageerror", lambda error: refused.append(str(error)))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, "officer", PASSWORD)
    page.clock.install()
    page.goto(f"/learning/lessons/{lesson.pk}/")
    assert page.get_by_text("Hoàn thành khi: xem ít nhất 2 phút").is_visible()
    assert page.get_by_role("button", name="Đánh dấu đã học").count() == 0
    # As if the page had been open for two minutes: the server credits at most 120 s for the gap.
    progress = LessonProgress.objects.get(lesson=lesson)
    LessonProgress.objects.filter(pk=progress.pk).update(last_seen_at=progress.last_seen_at - dt.timedelta(minutes=5))
    page.clock.run_for(31000)
    page.get_by_text("Đồng chí đã học xong bài này.").wait_for()
    assert LessonProgress.objects.get(pk=progress.pk).source == LessonProgress.Source.TIME
    assert not refused, refused
