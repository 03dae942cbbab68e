"""On the review page every single-choice answer stays shown: each question's radio buttons have a name of
their own (sharing one name, a browser keeps only the last checked)."""

from __future__ import annotations

import re
from collections import Counter

from django.urls import reverse

from quizzes import services
from quizzes.tests import factories
from quizzes.tests.test_services_attempts import right_answers


def test_each_question_keeps_its_checked_radio_on_the_review_page(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz()
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    for index, raw in right_answers(attempt).items():
        services.attempt_answer_save(attempt_id=attempt.pk, user_id=officer.user.pk, index=index, raw=raw)
    services.attempt_submit(attempt=attempt)
    html = client_for("officer").get(reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    checked = [match.group(1) for match in re.finditer(r'<input type="radio" name="([^"]+)"[^>]* checked', html)]
    assert len(checked) >= 2  # the single-choice and the true/false questions were answered
    assert all(count == 1 for count in Counter(checked).values()), checked
