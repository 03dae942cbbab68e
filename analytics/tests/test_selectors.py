"""Selector figures computed by hand from count-table rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics import selectors
from core.calendar import get_calendar
from analytics.tests.factories import make_score, make_software, put_officer_counts, put_unit_counts

pytestmark = pytest.mark.usefixtures("own_catalogue")


def _months_back(today: dt.date, count: int) -> dt.date:
    return selectors.add_months(today, -count)


def test_monthly_trend_month_and_cumulative_on_time_share(world):
    """Two months of the working year: 10 steps 5 on time, then 10 steps 9 on time → 50 %, 90 %, and
    cumulative 50 %, 70 %. The average score is the mean of the officers' totals in that month."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    previous = _months_back(today, 1)
    put_unit_counts(world.units["A"], previous + dt.timedelta(days=2), steps_recorded=6, steps_on_time=2)
    put_unit_counts(world.units["A1"], previous + dt.timedelta(days=3), steps_recorded=4, steps_on_time=3)
    put_unit_counts(world.units["A"], this_month, steps_recorded=10, steps_on_time=9)
    put_unit_counts(world.units["B"], this_month, steps_recorded=100, steps_on_time=0)  # outside A
    make_score(world.officers["officer"], this_month, 40)
    make_score(world.officers["other_a1"], this_month, 70)
    period = selectors.period_get(kind="cumulative", year=today.year, month=today.month)
    trend = selectors.monthly_trend(user=world.user("unit_manager"), unit=None, period=period)
    by_month = {row["month"]: row for row in trend}
    assert by_month[this_month]["on_time_percent"] == 90.0
    assert by_month[this_month]["score"] == 55.0
    if previous in by_month:  # the working year may have started this month
        assert by_month[previous]["on_time_percent"] == 50.0
        assert by_month[this_month]["cumulative_on_time_percent"] == 70.0
    else:
        assert by_month[this_month]["cumulative_on_time_percent"] == 90.0


def test_laggards_are_ordered_worst_first(world):
    make_software("QLVB", positions=[world.positions["clerk"]])
    today = timezone.localdate()
    put_officer_counts(world.officers["other_a1"], today, active__QLVB=1)
    officers = [world.officers["officer"], world.officers["other_a1"], world.officers["other_b"]]
    laggards = selectors.laggards_get(officers=selectors.officer_refs(officers), software=selectors.software_catalogue(), today=today,
                                      scores={world.officers["other_b"].pk: Decimal(10)})
    # The officer (enforcement officer) is not expected to use QLVB; other_a1 used it; other_b did not.
    assert [laggard.officer_id for laggard in laggards] == [world.officers["other_b"].pk]
    assert laggards[0].inactive_software == ["QLVB"]


def test_panel_figures_read_in_one_query(world, django_assert_num_queries):
    make_software("EMAIL")
    selectors.software_catalogue()  # into the cache, as on every page after the first
    get_calendar()  # the working-day calendar is cached per process
    today = timezone.localdate()
    officer = world.officers["officer"]
    put_officer_counts(officer, today, active__EMAIL=1, events__EMAIL=3)
    make_score(officer, _months_back(today, 1), 30, "beginner")
    make_score(officer, today, 45.5, "beginner")
    with django_assert_num_queries(1):
        figures = selectors.panel_figures(officer=officer, today=today)
    assert figures.score_total == Decimal("45.5") and figures.score_month == today.replace(day=1)
    assert [(item.code, item.active_days, item.events) for item in figures.software] == [("EMAIL", 1, 3)]
    assert figures.overdue_steps == 0
    assert figures.next_step["kind"] == "none"
