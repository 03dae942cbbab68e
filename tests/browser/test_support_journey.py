"""An officer on a phone asks for IT help from a case page with a pasted screenshot; the focal
person answers with a how-to article; the officer opens it, closes the request and rates it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.mark.browser
def test_officer_asks_from_a_case_page_focal_person_answers_with_an_article(transactional_db, browser, live_server):
    from cases.tests.factories import ensure_reference_data, make_case
    from support.models import HelpRequest
    from support.tests.factories import article, focal, software

    ensure_reference_data()
    world = build_world()
    case = make_case(world, number="47/2026/QĐ-CCTHADS", intake=timezone.localdate())
    focal(world.units["A"], world.officers["unit_manager"])
    software("CKS", "Chữ ký số")
    how_to = article(by=world.user("trainer"))

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="vi-VN",
                                is_mobile=True, has_touch=True)
    officer = phone.new_page()
    officer.set_default_timeout(15000)
    sign_in(officer, "officer", PASSWORD)
    officer.goto(f"/cases/{case.pk}/")
    officer.get_by_role("link", name="Cần hỗ trợ CNTT").click()
    officer.wait_for_url("**/support/new/**")
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    officer.select_option("#id_software", label="CKS — Chữ ký số")
    officer.fill("#id_subject", "Không ký số được quyết định")
    # A screenshot pasted from the clipboard becomes the attachment.
    officer.evaluate("""(bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "x.png", {type: "image/png"}));
        const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true});
        document.dispatchEvent(event);
    }""", list(PNG))
    assert officer.locator("#paste-status").inner_text() == "Đã đính kèm ảnh chụp màn hình."
    officer.get_by_role("button", name="Gửi", exact=True).click()
    officer.wait_for_url("**/support/*/")
    request = HelpRequest.objects.get()
    assert request.page_url == f"/cases/{case.pk}/" and request.attachment.name.endswith(".png")
    assert "Phạm Quản Lý" in officer.content()

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="vi-VN")
    helper = desk.new_page()
    helper.set_default_timeout(15000)
    sign_in(helper, "manager", PASSWORD)
    helper.goto("/support/")
    helper.get_by_role("link", name="Không ký số được quyết định").click()
    helper.fill("#id_body", "Đồng chí làm theo bài hướng dẫn này.")
    helper.select_option("#id_article", label=how_to.title)
    helper.get_by_role("button", name="Gửi trả lời").click()
    helper.locator(".messages").wait_for()
    desk.close()

    officer.reload()
    officer.get_by_role("link", name=how_to.title).click()
    officer.get_by_role("button", name="Có", exact=True).click()
    officer.locator("#votes").get_by_text("Cảm ơn đồng chí").wait_for()
    officer.go_back()
    officer.reload()
    officer.get_by_role("button", name="Đã giải quyết xong: đóng yêu cầu").click()
    officer.locator("label", has_text="5").first.click()
    officer.get_by_role("button", name="Gửi đánh giá").click()
    officer.get_by_text("Đồng chí đã đánh giá câu trả lời 5/5.").wait_for()
    request.refresh_from_db()
    how_to.refresh_from_db()
    assert (request.status, request.rating, how_to.helpful_yes) == ("done", 5, 1)
    phone.close()
