"""The demo bank, quizzes and attempts load, are idempotent, and give statistics something to show."""

from __future__ import annotations

import random

import pytest

from quizzes import selectors
from quizzes.models import Attempt, Question, Quiz


@pytest.mark.django_db
def test_demo_seed_builds_bank_quizzes_and_attempts():
    from learning import demo as learning_demo
    from org import demo as org_demo
    from quizzes import demo

    org_demo.seed(rng=random.Random("org"))
    learning_demo.seed(rng=random.Random("learning"))
    demo.seed(rng=random.Random("quizzes"))
    assert Question.objects.count() >= 60
    assert set(Question.objects.values_list("qtype", flat=True)) == {
        "multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"}
    assert Quiz.objects.filter(lesson__isnull=False).exists()
    basic = Quiz.objects.get(title__startswith="Kiểm tra Tin học cơ bản")
    stats = selectors.quiz_statistics(quiz=basic)
    assert stats.attempts >= 40 and stats.items and stats.mean is not None
    assert Attempt.objects.filter(needs_grading=True).exists()  # some essays left for the grading queue
    counts = (Question.objects.count(), Attempt.objects.count())
    demo.seed(rng=random.Random("quizzes"))
    assert (Question.objects.count(), Attempt.objects.count()) == counts
