"""Live final in a browser: a host on the projector and two contestants (an office PC and a 360 px
phone), each in their own browser context, against a real daphne process (WebSockets)."""

from __future__ import annotations

import re
import shutil

import pytest

from contests.tests.live_processes import LiveServers, free_port

pytestmark = pytest.mark.browser
PORT = free_port()  # chosen when the module loads: no fixed port another program may hold
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def server():  # noqa: ANN201
    cluster = LiveServers()
    cluster.migrate()
    world = cluster.seed(players=2, answer_seconds=60, joined=False)
    cluster.start(PORT)
    yield cluster, world
    cluster.stop()
    shutil.rmtree(cluster.tmp, ignore_errors=True)


def _context(browser, base: str, cookie: str, viewport: dict | None = None):  # noqa: ANN001, ANN202
    context = browser.new_context(base_url=base, viewport=viewport or {"width": 1366, "height": 768}, locale="vi-VN")
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def test_host_and_two_contestants_play_a_live_final(browser, server):  # noqa: ANN001
    cluster, world = server
    base = f"http://127.0.0.1:{PORT}"
    host_ctx, host = _context(browser, base, world["host_cookie"])
    pc_ctx, pc = _context(browser, base, world["players"][0]["cookie"])
    phone_ctx, phone = _context(browser, base, world["players"][1]["cookie"], PHONE)
    try:
        host.goto(f"/contests/live/round/{world['round']}/host/")
        assert host.locator("#live-pin").inner_text() == world["pin"]
        assert host.locator(".live-qr svg").count() == 1
        host.wait_for_selector("#live-status:has-text('Đã kết nối')")

        # A wrong PIN first, then the QR code's link with the PIN.
        pc.goto("/contests/live/join/")
        pc.fill("#pin", "000001" if world["pin"] != "000001" else "000002")
        pc.get_by_role("button", name="Vào thi").click()
        assert "không khớp" in pc.locator("#join-error").inner_text()
        for page in (pc, phone):
            page.goto(f"/contests/live/join/?pin={world['pin']}")
            page.get_by_role("button", name="Vào thi").click()
            page.wait_for_url(re.compile(r"/contests/live/\d+/$"))
            page.wait_for_selector("text=Hãy chờ người dẫn bắt đầu")
        host.wait_for_selector("#live-count:has-text('2')")
        assert "Thí sinh 0000" in host.locator("#live-names").inner_text()
        assert "SECRET-Q1" not in pc.content()

        host.get_by_role("button", name="Bắt đầu").click()
        for page in (host, pc, phone):
            page.wait_for_selector(".live-question:has-text('SECRET-Q1')")
        pc.get_by_role("button", name="Ctrl + S").click()
        pc.wait_for_selector("text=Đã ghi nhận câu trả lời")
        phone.get_by_role("button", name="Ctrl + P").click()
        phone.wait_for_selector("text=Đã ghi nhận câu trả lời")
        host.wait_for_selector("#live-answers:has-text('2')")

        host.get_by_role("button", name="Công bố đáp án").click()
        host.wait_for_selector(".live-bar.right")
        pc.wait_for_selector("#live-you:has-text('Đúng')")
        phone.wait_for_selector("#live-you:has-text('Bạn đứng thứ 2, kém người thứ 1 là')")

        host.get_by_role("button", name="Xem bảng xếp hạng").click()
        host.wait_for_selector(".live-board li:nth-child(2)")
        assert host.locator(".live-board li").first.locator(".live-name").inner_text() == world["players"][0]["name"]
        assert phone.locator(".live-board").count() == 0  # the top 10 is for the projector only

        host.get_by_role("button", name="Câu tiếp theo").click()
        pc.wait_for_selector(".live-question:has-text('SECRET-Q2')")
        # The office PC reloads mid-question: same officer, same score, can still answer.
        pc.reload()
        pc.wait_for_selector(".live-question:has-text('SECRET-Q2')")
        pc.locator("label.live-choice", has_text="PDF").click()
        pc.locator("label.live-choice", has_text="DOCX").click()
        pc.get_by_role("button", name="Gửi").click()
        pc.wait_for_selector("text=Đã ghi nhận câu trả lời")
        host.get_by_role("button", name="Công bố đáp án").click()
        pc.wait_for_selector("#live-you:has-text('Bạn đang đứng thứ 1')")
        phone.wait_for_selector("#live-you:has-text('Không trả lời')")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        for context in (host_ctx, pc_ctx, phone_ctx):
            context.close()
