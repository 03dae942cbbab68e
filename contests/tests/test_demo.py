"""The demo contest loads, is idempotent and has something to show on every page."""

from __future__ import annotations

import random

import pytest

from contests import selectors
from contests.formats import format_for
from contests.models import Contest, Registration
from contests.models_judging import JudgeAssignment
from quizzes.models import Attempt


@pytest.mark.django_db
def test_demo_seed_builds_a_contest_in_progress():
    from contests import demo
    from org import demo as org_demo

    org_demo.seed(rng=random.Random("org"))
    demo.seed(rng=random.Random("contests"))
    contest = Contest.objects.get(title=demo.TITLE)
    assert contest.is_published and not contest.results_published_at
    assert [round_.format for round_ in contest.rounds.all()] == ["online", "judged", "live"]
    assert Registration.objects.filter(contest=contest, officer__user__username="canbo").exists()
    qualifying = contest.rounds.get(format="online")
    board = format_for(qualifying).scoreboard(viewer=None)
    assert board["frozen"] is False and len(board["rows"]) == 24
    assert any(row["in_freeze"] for row in board["rows"])  # results that came in during the freeze
    sheets = JudgeAssignment.objects.filter(round__contest=contest)
    assert sheets.filter(submitted_at__isnull=False).exists() and sheets.filter(submitted_at__isnull=True).exists()
    assert sheets.filter(judge__username="giamkhao", submitted_at__isnull=True).exists()
    results = selectors.results_compute(contest=contest)
    assert results.rows[0].total > 0 and results.units
    past = Contest.objects.get(title=demo.PAST_TITLE)
    assert past.results_published_at and past.awards.filter(level="first").exists()
    open_contest = Contest.objects.get(title=demo.OPEN_TITLE)
    assert selectors.contest_registration_open(contest=open_contest)
    counts = (Contest.objects.count(), Attempt.objects.count(), JudgeAssignment.objects.count())
    demo.seed(rng=random.Random("contests"))
    assert (Contest.objects.count(), Attempt.objects.count(), JudgeAssignment.objects.count()) == counts
