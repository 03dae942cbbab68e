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
