"""An organiser sets up and publishes a contest, an officer registers and takes the qualifying round,
the organiser publishes the results and anyone reads them without signing in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in

PASSWORD = "Test-password-123"
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.browser


def _local(moment) -> str:  # noqa: ANN001
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_organiser_to_officer_to_public_results(page, browser, live_server, world):  # noqa: ANN001
    from contests.models import Contest, Round
    from quizzes.tests import factories as quiz_factories

    quiz = quiz_factories.quiz(questions=[quiz_factories.question("truefalse")], published=False, time_limit=None,
                               title="Đề vòng loại trình duyệt")
    now = timezone.now()

    # The organiser lands on their contests, creates one, adds the qualifying round and publishes.
    sign_in(page, "organiser", PASSWORD)
    assert page.url.endswith("/contests/manage/")
    page.get_by_role("link", name="Tạo hội thi").click()
    page.fill("input[name=title]", "Hội thi Tin học THADS 2027")
    page.select_option("select[name=audience_unit]", label=str(world.units["P"]))
    page.fill("input[name=registration_opens_at]", _local(now - timedelta(minutes=5)))
    page.fill("input[name=registration_closes_at]", _local(now + timedelta(days=2)))
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/contests/manage/\d+/$"))
    contest = Contest.objects.get(title="Hội thi Tin học THADS 2027")
    page.get_by_role("link", name="Thêm vòng thi").click()
    page.fill("input[name=title]", "Vòng loại trực tuyến")
    page.select_option("select[name=format]", value="online")
    page.select_option("select[name=quiz]", label=quiz.title)
    page.fill("input[name=opens_at]", _local(now - timedelta(minutes=5)))
    page.fill("input[name=closes_at]", _local(now + timedelta(hours=1)))
    page.fill("input[name=freeze_minutes]", "10")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/contests/manage/\d+/$"))
    page.get_by_role("button", name="Xuất bản").click()
    page.locator(".messages").filter(has_text="Hội thi đã được công bố").wait_for()
    round_ = Round.objects.get(contest=contest)
    assert round_.options == {"freeze_minutes": 10}

    # The officer registers and takes the round on the quiz pages, on a phone.
    officer = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN").new_page()
    officer.set_default_timeout(15000)
    sign_in(officer, "officer", PASSWORD)
    officer.goto(f"/contests/{contest.pk}/")
    officer.get_by_role("button", name="Đăng ký dự thi").click()
    officer.locator(".messages").filter(has_text="Bạn đã đăng ký dự thi").wait_for()
    assert officer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 2
    officer.get_by_role("button", name="Vào thi").click()
    officer.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    officer.get_by_label("Đúng", exact=True).check()
    officer.locator("#q1 .save-state").filter(has_text="Đã lưu").wait_for()
    officer.on("dialog", lambda dialog: dialog.accept())
    officer.locator("#submit-btn").click()
    officer.wait_for_url(re.compile(r"/review/$"))
    officer.goto(f"/contests/rounds/{round_.pk}/scoreboard/")
    assert "Nguyễn Văn Á" in officer.locator("table").inner_text()

    # The round is over; the organiser publishes the results and awards.
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    page.goto(f"/contests/manage/{contest.pk}/results/")
    page.get_by_role("button", name="Công bố kết quả và trao giải").click()
    page.locator(".messages").filter(has_text="Đã công bố kết quả").wait_for()

    # Anyone reads them without signing in.
    public = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN").new_page()
    public.goto(f"/contests/results/{contest.pk}/")
    table = public.locator("table").first.inner_text()
    assert "Nguyễn Văn Á" in table and "Giải Nhất" in table
    assert "Khi bằng điểm" in public.content()  # the tie-break rule is stated on the page
    assert public.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 2
    officer.context.close()
    public.context.close()
