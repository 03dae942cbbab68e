"""Item statistics as Moodle defines them: facility, discrimination against the rest of the test, flags."""

from __future__ import annotations

import pytest

from org import services as org_services
from quizzes import selectors, services
from quizzes.tests import factories


def test_facility_discrimination_and_flags(world):  # noqa: ANN001
    easy = factories.question("truefalse", title="Dễ", data={"correct": True})
    good = factories.question("truefalse", title="Phân loại tốt", data={"correct": True})
    bad = factories.question("truefalse", title="Phân loại ngược", data={"correct": True})
    other = factories.question("truefalse", title="Khác", data={"correct": True})
    other2 = factories.question("truefalse", title="Khác 2", data={"correct": True})
    quiz = factories.quiz(questions=[easy, good, bad, other, other2], attempts=0)
    # Four officers; "good" is right for the strong ones, "bad" for the weak ones.
    answers = [
        {"Dễ": "true", "Phân loại tốt": "true", "Phân loại ngược": "false", "Khác": "true", "Khác 2": "true"},
        {"Dễ": "true", "Phân loại tốt": "true", "Phân loại ngược": "false", "Khác": "true", "Khác 2": "true"},
        {"Dễ": "true", "Phân loại tốt": "false", "Phân loại ngược": "true", "Khác": "false", "Khác 2": "false"},
        {"Dễ": "true", "Phân loại tốt": "false", "Phân loại ngược": "true", "Khác": "false", "Khác 2": "false"},
    ]
    for i, mine in enumerate(answers):
        officer = org_services.officer_create(full_name=f"CB {i}", email=f"s{i}@moj.gov.vn", unit=world.units["A"],
                                              position=world.positions["clerk"])
        attempt = services.attempt_start(quiz=quiz, officer=officer)
        for ans in attempt.answers.select_related("version"):
            services.attempt_answer_save(attempt_id=attempt.pk, user_id=officer.user_id, index=ans.index,
                                         raw={"choice": mine[ans.version.title]})
        services.attempt_submit(attempt=attempt)
    stats = selectors.quiz_statistics(quiz=quiz)
    assert stats.attempts == 4
    assert stats.mean == pytest.approx(60)
    by_title = {item.title: item for item in stats.items}
    assert by_title["Dễ"].facility == 1 and by_title["Dễ"].flags == ["easy"]
    assert by_title["Dễ"].discrimination is None  # no variance: undefined, as in Moodle
    assert by_title["Phân loại tốt"].facility == pytest.approx(0.5)
    assert by_title["Phân loại tốt"].discrimination == pytest.approx(1.0)
    # Rest-of-test for "bad": strong officers 4, weak officers 1; marks 0 / 1 -> correlation -1.
    assert by_title["Phân loại ngược"].discrimination == pytest.approx(-1.0)
    assert "negative" in by_title["Phân loại ngược"].flags
    assert sum(band["count"] for band in stats.distribution) == 4
    assert [band["count"] for band in stats.distribution if band["count"]] == [2, 2]


def test_hard_flag_and_empty_quiz(world):  # noqa: ANN001
    quiz = factories.quiz(questions=[factories.question("truefalse", data={"correct": False})], attempts=0)
    assert selectors.quiz_statistics(quiz=quiz).items == []
    attempt = services.attempt_start(quiz=quiz, officer=world.officers["officer"])
    services.attempt_answer_save(attempt_id=attempt.pk, user_id=world.user("officer").pk, index=0,
                                 raw={"choice": "true"})
    services.attempt_submit(attempt=attempt)
    item = selectors.quiz_statistics(quiz=quiz).items[0]
    assert item.facility == 0 and item.flags == ["hard"]
