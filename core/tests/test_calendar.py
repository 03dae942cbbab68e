"""The working-day calendar: Civil Code counting, VN holidays, overrides."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import calendar as cal
from core.calendar import CALENDAR_DAYS, MONTHS, WORKING_DAYS, YEARS, WorkingCalendar, add_months

PLAIN = WorkingCalendar()
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


# --- Explicit cases -----------------------------------------------------------------------------

def test_tet_2026_is_off_from_saturday_14_to_sunday_22_february():
    for day in range(14, 23):
        assert not PLAIN.is_working_day(date(2026, 2, day)), day
    assert PLAIN.is_working_day(date(2026, 2, 13))
    assert PLAIN.is_working_day(date(2026, 2, 23))


def test_five_working_days_from_friday_before_tet_2026_end_after_the_holiday():
    # Decision triggered Fri 13/2/2026: 23, 24, 25, 26, 27 February are the five working days.
    assert PLAIN.add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert PLAIN.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_tet_2027_includes_the_29th_and_ends_on_the_fifth_day():
    for day in range(4, 11):
        assert not PLAIN.is_working_day(date(2027, 2, day)), day
    assert PLAIN.is_working_day(date(2027, 2, 3))
    assert PLAIN.is_working_day(date(2027, 2, 11))
    assert PLAIN.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)


def test_ten_calendar_days_ending_in_tet_2027_move_to_the_next_working_day():
    # 27/1/2027 + 10 days = Sat 6/2/2027 (Tết): the period ends on Thu 11/2/2027.
    assert PLAIN.period_end(date(2027, 1, 27), 10, CALENDAR_DAYS) == date(2027, 2, 11)


def test_reunification_and_labour_day_2026():
    assert not PLAIN.is_working_day(date(2026, 4, 30))
    assert not PLAIN.is_working_day(date(2026, 5, 1))
    # Wed 29/4 + 1 working day = Mon 4/5 (Thu, Fri holidays; Sat, Sun weekend).
    assert PLAIN.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert PLAIN.working_days_between(date(2026, 4, 29), date(2026, 5, 4)) == 1


def test_labour_day_2027_on_saturday_is_observed_on_monday():
    assert not PLAIN.is_working_day(date(2027, 5, 3))
    assert PLAIN.add_working_days(date(2027, 4, 29), 1) == date(2027, 5, 4)


def test_national_day_2026_and_its_worked_saturday():
    # 2/9/2026 is Wednesday; 1/9 and the bridge day 31/8 are off, Saturday 22/8 is worked instead.
    for day in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert not PLAIN.is_working_day(day)
    assert PLAIN.is_working_day(date(2026, 8, 22))
    assert PLAIN.add_working_days(date(2026, 8, 28), 3) == date(2026, 9, 7)


def test_national_day_2027():
    assert not PLAIN.is_working_day(date(2027, 9, 2))
    assert not PLAIN.is_working_day(date(2027, 9, 3))
    assert PLAIN.add_working_days(date(2027, 9, 1), 1) == date(2027, 9, 6)


def test_trigger_day_is_not_counted_and_period_on_working_day_stays():
    # Mon 9/3/2026 + 3 working days = Thu 12/3; + 10 calendar days = Thu 19/3.
    assert PLAIN.period_end(date(2026, 3, 9), 3, WORKING_DAYS) == date(2026, 3, 12)
    assert PLAIN.period_end(date(2026, 3, 9), 10, CALENDAR_DAYS) == date(2026, 3, 19)


def test_period_ending_on_sunday_ends_on_monday():
    # Thu 5/3/2026 + 10 days = Sun 15/3 → Mon 16/3.
    assert PLAIN.period_end(date(2026, 3, 5), 10, CALENDAR_DAYS) == date(2026, 3, 16)


def test_months_and_years():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert PLAIN.period_end(date(2025, 8, 16), 6, MONTHS) == date(2026, 2, 23)  # 16/2/2026 is Tết
    assert PLAIN.period_end(date(2021, 5, 1), 5, YEARS) == date(2026, 5, 4)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        PLAIN.period_end(date(2026, 3, 9), 3, "weeks")


def test_overrides_add_a_day_off_and_a_working_saturday():
    calendar = WorkingCalendar({date(2026, 3, 10): False, date(2026, 3, 14): True})
    assert not calendar.is_working_day(date(2026, 3, 10))
    assert calendar.is_working_day(date(2026, 3, 14))
    assert calendar.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert calendar.working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 2


@pytest.mark.django_db
def test_database_overrides_reach_the_shared_calendar():
    from core.models import CalendarOverride

    cal.invalidate()
    assert cal.get_calendar().is_working_day(date(2026, 3, 10))
    override = CalendarOverride.objects.create(date=date(2026, 3, 10), kind=CalendarOverride.Kind.DAY_OFF)
    assert not cal.get_calendar().is_working_day(date(2026, 3, 10))
    CalendarOverride.objects.filter(pk=override.pk).delete()
    assert cal.get_calendar().is_working_day(date(2026, 3, 10))


# --- Properties ---------------------------------------------------------------------------------

@given(dates, st.integers(min_value=0, max_value=400))
@settings(max_examples=200, deadline=None)
def test_counting_back_the_days_added_gives_the_count(start, count):
    end = PLAIN.add_working_days(start, count)
    assert PLAIN.working_days_between(start, end) == count
    if count:
        assert PLAIN.is_working_day(end)


@given(dates, dates)
@settings(max_examples=200, deadline=None)
def test_between_is_antisymmetric_and_matches_a_day_by_day_count(first, second):
    start, end = min(first, second), max(first, second)
    if (end - start).days <= 800:
        expected = sum(PLAIN.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
        assert PLAIN.working_days_between(start, end) == expected
    assert PLAIN.working_days_between(end, start) == -PLAIN.working_days_between(start, end)


@given(dates, st.integers(min_value=0, max_value=60), st.sampled_from([CALENDAR_DAYS, MONTHS]))
@settings(max_examples=200, deadline=None)
def test_a_period_ends_on_a_working_day_never_before_its_plain_end(start, amount, unit):
    end = PLAIN.period_end(start, amount, unit)
    plain = start + timedelta(days=amount) if unit == CALENDAR_DAYS else add_months(start, amount)
    assert PLAIN.is_working_day(end)
    assert end >= plain
    assert all(not PLAIN.is_working_day(plain + timedelta(days=i)) for i in range((end - plain).days))


@given(dates, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
@settings(max_examples=200, deadline=None)
def test_adding_working_days_composes(start, first, second):
    assert PLAIN.add_working_days(PLAIN.add_working_days(start, first), second) == \
        PLAIN.add_working_days(start, first + second)


@given(dates, st.integers(min_value=1, max_value=30))
@settings(max_examples=100, deadline=None)
def test_adding_then_subtracting_returns_to_a_working_start(start, count):
    start = PLAIN.next_working_day(start)
    assert PLAIN.add_working_days(PLAIN.add_working_days(start, count), -count) == start
