"""An officer answers half of a timed quiz, reloads, finds every answer, submits and reads the review."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in

PASSWORD = "Test-password-123"
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.browser


def test_officer_answers_half_reloads_submits_and_sees_review(page, world):  # noqa: ANN001
    from quizzes.models import Attempt
    from quizzes.tests import factories

    cat = factories.category()
    questions = [factories.question(qtype, cat=cat) for qtype in
                 ("truefalse", "multichoice", "shortanswer", "numerical")]
    quiz = factories.quiz(questions=questions, time_limit=20, title="Kiểm tra trên trình duyệt", pass_mark=60)

    sign_in(page, "officer", PASSWORD)
    page.goto(f"/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    assert re.match(r"\d\d:\d\d", page.locator("#countdown").inner_text())
    # Answer two of four questions; each is saved as it is given.
    page.get_by_label("Đúng", exact=True).check()
    page.locator("#q1 .save-state").filter(has_text="Đã lưu").wait_for()
    page.locator("#q2 label", has_text="Ctrl + S").click()
    page.locator("#q2 .save-state").filter(has_text="Đã lưu").wait_for()
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.answers.filter(saved_at__isnull=False).count() == 2

    page.reload()
    assert page.get_by_label("Đúng", exact=True).is_checked()
    assert page.locator("#q2 input:checked + label").inner_text().strip() == "Ctrl + S"
    assert page.locator("#answered-count").inner_text() == "2"
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 2
    page.set_viewport_size({"width": 1366, "height": 768})

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#submit-btn").click()
    page.wait_for_url(re.compile(r"/review/$"))
    summary = page.locator("#attempt-summary").inner_text()
    assert "2,00 / 4,00" in summary or "2.00 / 4.00" in summary
    assert "Chưa đạt" in summary
    assert page.locator("text=FB-RIGHT-SAVE").count() == 1  # feedback now allowed
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.score == 2
