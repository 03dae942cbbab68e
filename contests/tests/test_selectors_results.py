"""Overall results: weighted rounds on a 0–100 scale, tie-breaks, unit ranking, awards, publishing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contests import selectors, services
from contests.models import Award, AwardLevel
from contests.models_judging import Criterion
from contests.tests import factories


def _judge_entry(round_, registration, judge, points):  # noqa: ANN001, ANN202
    criteria = list(Criterion.objects.filter(task__round=round_).order_by("order"))
    sheet = services.judge_assign(round_=round_, registration=registration, judge=judge)
    services.score_sheet_save(assignment=sheet, judge=judge,
                              entries={c.pk: (str(p), "") for c, p in zip(criteria, points, strict=True)}, submit=True)


def test_weighted_total_and_tie_break_by_the_later_round(world):
    contest = factories.contest(world)
    now = timezone.now()
    online = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now - timedelta(minutes=1))
    judged = factories.judged_round(contest, maxima=(Decimal(10),), weight=Decimal(2))
    a, b, c = (world.officers[key] for key in ("officer", "other_a1", "other_b"))
    ra, rb, rc = (factories.enter(contest, person) for person in (a, b, c))
    opened = now - timedelta(hours=2)
    factories.take(online, a, right=2, started=opened, seconds=100)   # 100
    factories.take(online, b, right=1, started=opened, seconds=100)   # 50
    factories.take(online, c, right=2, started=opened, seconds=50)    # 100
    judge = world.user("judge")
    _judge_entry(judged, ra, judge, [5])   # 50 × 2 → total 200
    _judge_entry(judged, rb, judge, [10])  # 100 × 2 → total 250
    _judge_entry(judged, rc, judge, [5])   # total 200, tied with a: c is faster in the online round
    results = selectors.results_compute(contest=contest)
    assert [(row.rank, row.name, row.total) for row in results.rows] == [
        (1, b.full_name, Decimal("250.000")), (2, c.full_name, Decimal("200.000")), (3, a.full_name, Decimal("200.000"))]
    assert results.rows[0].cells == [Decimal("50.000"), Decimal("100.000")]
    unit_a = next(line for line in results.units if line.unit == world.units["A"])
    assert unit_a.entries == 1 and unit_a.mean == Decimal("200.000")


def test_later_round_breaks_a_tie_before_time(world):
    contest = factories.contest(world)
    now = timezone.now()
    online = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now - timedelta(minutes=1))
    judged = factories.judged_round(contest, maxima=(Decimal(10),))
    a, b = world.officers["officer"], world.officers["other_b"]
    ra, rb = factories.enter(contest, a), factories.enter(contest, b)
    opened = now - timedelta(hours=2)
    factories.take(online, a, right=2, started=opened, seconds=10)  # 100, fast
    factories.take(online, b, right=1, started=opened, seconds=99)  # 50
    _judge_entry(judged, ra, world.user("judge"), [5])  # 50 → total 150
    _judge_entry(judged, rb, world.user("judge"), [10])  # 100 → total 150, higher in the later round
    rows = selectors.results_compute(contest=contest).rows
    assert [row.name for row in rows] == [b.full_name, a.full_name]
    assert [row.rank for row in rows] == [1, 2]


def test_publishing_results_needs_closed_rounds_and_issues_awards_by_rank(world):
    contest = factories.contest(world, awards_first=1, awards_second=1, awards_third=0, awards_merit=1)
    now = timezone.now()
    online = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now + timedelta(minutes=5))
    people = [world.officers[key] for key in ("officer", "other_a1", "other_b", "judge")]
    for person in people:
        factories.enter(contest, person)
    opened = now - timedelta(hours=2)
    for person, right, seconds in zip(people, (2, 2, 1, 0), (10, 20, 30, 40), strict=True):
        factories.take(online, person, right=right, started=opened, seconds=seconds)
    with pytest.raises(services.ContestError, match="chưa kết thúc"):
        services.results_publish(contest=contest)
    assert not Award.objects.exists()
    services.results_publish(contest=contest, now=now + timedelta(minutes=6))
    awards = {award.holder_name: award for award in Award.objects.all()}
    assert awards[people[0].full_name].level == AwardLevel.FIRST
    assert awards[people[1].full_name].level == AwardLevel.SECOND
    assert awards[people[2].full_name].level == AwardLevel.MERIT  # rank 3: no third prize, next is merit
    assert people[3].full_name not in awards  # 0 points: no award
    code = awards[people[0].full_name].code
    services.awards_issue(contest=contest)  # re-issuing keeps the codes
    assert Award.objects.get(holder_name=people[0].full_name).code == code
    assert selectors.award_by_code(code=code.lower()).holder_name == people[0].full_name
