"""Timeliness figures against a fixture computed by hand (March 2026 has no public holiday)."""

from __future__ import annotations

from datetime import date

import pytest

from cases import selectors, services
from cases.tests.factories import local_moment, make_case, step_type

MARCH = selectors.period_month(year=2026, month=3)
TODAY = date(2026, 3, 20)


@pytest.fixture
def steps(world):  # noqa: ANN001, ANN201
    officer = world.officers["officer"]
    case = make_case(world)  # intake 2/3 recorded 2/3: lag 0
    for code, legal, recorded in [
        ("decision", date(2026, 3, 3), date(2026, 3, 4)),       # lag 1, on time
        ("procuracy", date(2026, 3, 4), date(2026, 3, 9)),      # 5, 6, 9 → lag 3, late
        ("notification", date(2026, 3, 5), date(2026, 3, 6)),   # lag 1, on time
        ("verification", date(2026, 3, 6), date(2026, 3, 16)),  # 9..13, 16 → lag 6, late
    ]:
        services.case_step_record(case=case, step_type=step_type(code), legal_date=legal, by=officer,
                                  recorded_at=local_moment(recorded))
    # Officer of A1 (inside A's subtree): one step, lag 0. Officer of B: outside A's subtree.
    make_case(world, unit_key="A1", number="1/A1", officer_key="other_a1")
    make_case(world, unit_key="B", number="1/B", officer_key="other_b", intake=date(2026, 3, 3))
    # A step recorded in April is outside the March period.
    april = make_case(world, number="2/A", intake=date(2026, 3, 31))
    services.case_step_record(case=april, step_type=step_type("decision"), legal_date=date(2026, 4, 1),
                              by=officer, recorded_at=local_moment(date(2026, 4, 1)))
    return case


def _by_name(report):  # noqa: ANN001, ANN202
    return {row.officer_name: row for row in report.rows}


def test_hand_computed_figures_for_the_officer(steps, world):
    report = selectors.timeliness_by_officer(user=world.user("unit_manager"), period=MARCH, today=TODAY)
    row = _by_name(report)["Nguyễn Văn Á"]
    # intake 2/3 (0) and 2/A's intake 31/3 (0) + lags 1, 3, 1, 6 → [0, 0, 1, 1, 3, 6]
    assert (row.steps, row.on_time) == (6, 4)
    assert row.on_time_percent == pytest.approx(66.7)
    assert row.median_lag == 1   # nearest rank: 3rd of 6
    assert row.p90_lag == 6      # nearest rank: 6th of 6
    # Missed: notification 5/3 → end of voluntary period 15/3 (Sunday) → 16/3, still open on 20/3.
    assert row.overdue == 1


def test_manager_sees_the_subtree_and_not_other_branches(steps, world):
    report = selectors.timeliness_by_officer(user=world.user("unit_manager"), period=MARCH, today=TODAY)
    names = set(_by_name(report))
    assert names == {"Nguyễn Văn Á", "Trần Thị OTHER_A1"}
    assert report.total.steps == 7 and report.total.on_time == 5
    assert report.total.median_lag == 1 and report.total.p90_lag == 6


def test_unit_filter_and_leader_scope(steps, world):
    only_a1 = selectors.timeliness_by_officer(user=world.user("provincial_leader"), period=MARCH, today=TODAY,
                                              unit=world.units["A1"])
    assert set(_by_name(only_a1)) == {"Trần Thị OTHER_A1"}
    whole = selectors.timeliness_by_officer(user=world.user("provincial_leader"), period=MARCH, today=TODAY)
    assert "Trần Thị OTHER_B" in _by_name(whole)


def test_working_year_period_and_query_count(steps, world, django_assert_max_num_queries, settings):
    period = selectors.period_working_year(year=2026)
    assert (period.start, period.end) == (date(2025, 10, 1), date(2026, 9, 30))
    with django_assert_max_num_queries(6):
        report = selectors.timeliness_by_officer(user=world.user("unit_manager"), period=period, today=TODAY)
    assert _by_name(report)["Nguyễn Văn Á"].steps == 7
    settings.THADS_WORKING_YEAR_START_MONTH = 1
    assert selectors.period_working_year(year=2026).start == date(2026, 1, 1)
    assert selectors.working_year_of(date(2026, 10, 5)) == 2026


def test_working_year_naming():
    assert selectors.working_year_of(date(2025, 10, 1)) == 2026
    assert selectors.working_year_of(date(2026, 9, 30)) == 2026


@pytest.mark.parametrize("histogram, median, p90", [
    ({}, None, None),
    ({0: 1}, 0, 0),
    ({0: 5, 1: 4, 7: 1}, 0, 1),
    ({0: 1, 2: 1, 4: 1, 9: 1}, 2, 9),
])
def test_percentiles_from_a_histogram(histogram, median, p90):
    assert selectors.percentile_from_histogram(histogram, 0.5) == median
    assert selectors.percentile_from_histogram(histogram, 0.9) == p90


def test_due_list_is_most_urgent_first(world):
    make_case(world, number="late", intake=date(2026, 3, 2))
    make_case(world, number="soon", intake=date(2026, 3, 11))
    make_case(world, number="far", intake=date(2026, 4, 1))
    due = list(selectors.deadline_list_due(officer=world.officers["officer"], today=date(2026, 3, 13)))
    assert [d.case.number for d in due] == ["late", "soon"]  # due 9/3 (overdue), 18/3 (= 13/3 + 3 working days)


def test_cumulative_period_runs_from_the_working_year_start_to_the_end_of_the_month(settings):
    period = selectors.period_cumulative(year=2026, month=3)
    assert (period.start, period.end) == (date(2025, 10, 1), date(2026, 3, 31))
    assert selectors.period_cumulative(year=2025, month=10).start == date(2025, 10, 1)
    assert selectors.period_cumulative(year=2025, month=12).end == date(2025, 12, 31)
    settings.THADS_WORKING_YEAR_START_MONTH = 1
    assert selectors.period_cumulative(year=2026, month=3).start == date(2026, 1, 1)
    settings.THADS_WORKING_YEAR_START_MONTH = 12
    assert selectors.period_cumulative(year=2026, month=3).start == date(2025, 12, 1)
    assert len(selectors.period_months(selectors.period_cumulative(year=2026, month=3))) == 4


def test_cumulative_figures_add_up_the_months(steps, world):
    manager = world.user("unit_manager")
    cumulative = selectors.timeliness_by_officer(user=manager, period=selectors.period_cumulative(year=2026, month=4),
                                                 today=date(2026, 4, 20))
    march = selectors.timeliness_by_officer(user=manager, period=MARCH, today=date(2026, 4, 20))
    assert cumulative.total.steps == march.total.steps + 1  # + the April decision


def test_monthly_trend_for_one_officer(steps, world):
    officer = world.officers["officer"]
    trend = selectors.timeliness_trend(user=world.user("unit_manager"),
                                       period=selectors.period_cumulative(year=2026, month=4), officer=officer,
                                       today=date(2026, 4, 20))
    by_month = {(month.year, month.month): month for month in trend}
    assert [(m.year, m.month) for m in trend][:2] == [(2025, 10), (2025, 11)] and len(trend) == 7
    assert (by_month[(2026, 3)].steps, by_month[(2026, 3)].on_time) == (6, 4)
    assert (by_month[(2026, 4)].steps, by_month[(2026, 4)].on_time) == (1, 1)
    assert by_month[(2026, 3)].overdue == 1 and by_month[(2025, 10)].steps == 0
    # Another officer's trend does not include these steps.
    other = selectors.timeliness_trend(user=world.user("unit_manager"), period=MARCH,
                                       officer=world.officers["other_a1"], today=TODAY)
    assert [(m.steps, m.on_time) for m in other] == [(1, 1)]


def test_timeliness_page_query_count_stays_flat(steps, world, client_for, django_assert_max_num_queries):
    from django.urls import reverse

    client = client_for("unit_manager")
    url = reverse("cases:timeliness") + f"?period=cumulative&month=2026-03&officer={world.officers['officer'].pk}"
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    assert response.status_code == 200 and 'id="trend"' in response.content.decode()
    for index in range(15):
        case = make_case(world, number=f"{index}/T", intake=date(2026, 1, 5 + index))
        services.case_step_record(case=case, step_type=step_type("decision"), legal_date=date(2026, 2, 2 + index),
                                  by=world.officers["officer"],
                                  recorded_at=local_moment(date(2026, 2, 3 + index)))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
