"""The Vietnamese working-day calendar and the Civil Code rule for counting periods.

Non-working days are weekends and the public holidays of the `holidays` package (country VN,
including the Saturdays the government declares worked to bridge a holiday), with an
admin-editable override table on top (`core.models.CalendarOverride`: an extra day off or an
extra working day). Everything here is a pure function of a `WorkingCalendar`, which takes the
overrides as a plain mapping, so tests and benches build one without a database;
`get_calendar()` gives the one built from the database, cached per process until an override
changes.

Counting rule (Civil Code 2015, arts. 147–148): the triggering day is not counted; a period whose
last day is not a working day ends at the end of the next working day.
"""

from __future__ import annotations

import calendar as std_calendar
import threading
from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
MONTHS = "months"
YEARS = "years"
PERIOD_UNITS = (WORKING_DAYS, CALENDAR_DAYS, MONTHS, YEARS)

CACHE_KEY = "core.calendar.stamp"


@lru_cache(maxsize=128)
def base_non_working_days(year: int) -> frozenset[date]:
    """Weekends and VN public holidays of `year`, minus the Saturdays declared as working days."""
    public = holidays.country_holidays("VN", years=year)
    worked_weekends = set(getattr(public, "weekend_workdays", ()))
    days = {day for day in public if day.year == year}
    current = date(year, 1, 1)
    while current.year == year:
        if current.weekday() >= 5 and current not in worked_weekends:
            days.add(current)
        current += timedelta(days=1)
    return frozenset(days - worked_weekends)


class WorkingCalendar:
    """Working days for any date; `overrides` maps a date to True (working) or False (day off)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._years: dict[int, tuple[frozenset[date], list[int]]] = {}
        self._lock = threading.Lock()

    def _year(self, year: int) -> tuple[frozenset[date], list[int]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        days = set(base_non_working_days(year))
        for day, working in self.overrides.items():
            if day.year == year:
                (days.discard if working else days.add)(day)
        # cumulative[i] = working days from 1 January up to and including day-of-year i (0-based).
        cumulative, count = [], 0
        current = date(year, 1, 1)
        while current.year == year:
            if current not in days:
                count += 1
            cumulative.append(count)
            current += timedelta(days=1)
        value = (frozenset(days), cumulative)
        with self._lock:
            self._years[year] = value
        return value

    def non_working_days(self, year: int) -> frozenset[date]:
        return self._year(year)[0]

    def is_working_day(self, day: date) -> bool:
        return day not in self._year(day.year)[0]

    def _through(self, day: date) -> int:
        """Working days from 1 January of day's year through `day` inclusive."""
        return self._year(day.year)[1][day.timetuple().tm_yday - 1]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (the start day is not counted); negative if end < start.

        The lag of a step is `working_days_between(legal date, recording date)`: recorded on the same
        day or on the following weekend gives 0, on the next working day 1.
        """
        if end < start:
            return -self.working_days_between(end, start)
        if start.year == end.year:
            return self._through(end) - self._through(start)
        total = self._year(start.year)[1][-1] - self._through(start)
        for year in range(start.year + 1, end.year):
            total += self._year(year)[1][-1]
        return total + self._through(end)

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (start not counted); `start` for 0; backwards if negative."""
        step = 1 if count >= 0 else -1
        remaining, day = abs(count), start
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def period_end(self, start: date, amount: int, unit: str) -> date:
        """Last day of a period of `amount` `unit`s triggered on `start`, by the Civil Code rule."""
        if unit == WORKING_DAYS:
            return self.add_working_days(start, amount)
        if unit == CALENDAR_DAYS:
            end = start + timedelta(days=amount)
        elif unit in (MONTHS, YEARS):
            end = add_months(start, amount * (12 if unit == YEARS else 1))
        else:
            raise ValueError(f"unknown period unit {unit!r}")
        return self.next_working_day(end)


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, std_calendar.monthrange(year, month)[1]))


_current: tuple[object, WorkingCalendar] | None = None


def get_calendar() -> WorkingCalendar:
    """The calendar with the database overrides; rebuilt after any override changes (any process)."""
    global _current
    from django.core.cache import cache

    stamp = cache.get(CACHE_KEY, 0)
    if _current is not None and _current[0] == stamp:
        return _current[1]
    from core.models import CalendarOverride

    overrides = {
        day: kind == CalendarOverride.Kind.WORKING_DAY
        for day, kind in CalendarOverride.objects.values_list("date", "kind")
    }
    _current = (stamp, WorkingCalendar(overrides))
    return _current[1]


def invalidate() -> None:
    """Make every process rebuild its calendar on next use (call after changing an override)."""
    global _current
    from django.core.cache import cache

    _current = None
    try:
        cache.incr(CACHE_KEY)
    except ValueError:
        cache.set(CACHE_KEY, 1, timeout=None)
