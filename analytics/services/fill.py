"""Filling the daily count tables (`OfficerDayCount`, `UnitDayCount`) from usage events, case steps,
course assignments and quiz attempts.

Set-based: for a range of days, the rows of those days are deleted and written again by one
`INSERT … SELECT … GROUP BY` per source, the SELECT being the other app's own selector query
(compiled by the ORM, so both databases get their own SQL). The unit table is one more
`INSERT … SELECT … GROUP BY` over the officer table. A range is written in one transaction, with
`FillState.filled_through` moved in the same transaction: a re-run starts after it and fills
nothing twice, and an interrupted run leaves no half-filled day.

Late data: `RefillDay` rows (written by usage imports, xAPI statements about filled days, and found
from case-step imports applied since the last fill) make the next run refill exactly those days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone

from analytics.catalogue import SITE_STEP_SOFTWARE
from analytics.models import FillState, OfficerDayCount, RefillDay, UnitDayCount, UsageEvent
from cases.selectors import step_days_imported_since, step_recordings_by_officer_day
from learning.selectors import assigned_courses_by_officer_due_day
from org.models import Officer
from org.selectors import officer_headcount_by_unit
from quizzes.selectors import attempt_results_by_officer_day

OFFICER_TABLE = "officer_day_count"
UNIT_TABLE = "unit_day_count"
FIRST_FILL_DAYS = 400  # a first fill with no start given goes back this far (12 months and more)
CHUNK_DAYS = 31


@dataclass
class FillReport:
    """What one run did: the days filled forward, the days refilled, rows written."""

    filled: list[tuple[date, date]] = field(default_factory=list)
    refilled: list[date] = field(default_factory=list)
    officer_rows: int = 0
    unit_rows: int = 0

    @property
    def nothing_done(self) -> bool:
        return not self.filled and not self.refilled


def refill_days_mark(*, days: set[date] | list[date]) -> None:
    """Record that the counts of `days` must be filled again (only days already filled need it; the
    others are filled by the next forward run anyway). Idempotent."""
    state = FillState.objects.filter(table=OFFICER_TABLE).first()
    if state is None or state.filled_through is None:
        return
    wanted = sorted(day for day in set(days) if day <= state.filled_through)
    if wanted:
        RefillDay.objects.bulk_create([RefillDay(day=day) for day in wanted], ignore_conflicts=True)


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _upsert_sql(table: str, select: str, *, on_conflict: str) -> str:
    # "WHERE true" lets SQLite tell the upsert clause from a join condition of the SELECT.
    return (f"INSERT INTO {table} (officer_id, day, metric, value) {select} WHERE true "
            f"ON CONFLICT (officer_id, day, metric) DO UPDATE SET {on_conflict}")


def _fill_officer_range(start: date, end: date) -> int:
    """Rewrite every officer row of days `start`…`end`; returns the number of rows written."""
    table = OfficerDayCount._meta.db_table
    add = f"value = {table}.value + excluded.value"
    one = "value = 1"
    statements: list[tuple[str, tuple]] = []
    events = (UsageEvent.objects.filter(day__gte=start, day__lte=end)
              .values(o_id=F("officer_id"), d=F("day"), code=F("software__code"))
              .annotate(n=Count("id")).order_by())
    sql, params = _sql(events)
    statements.append((f"INSERT INTO {table} (officer_id, day, metric, value) "
                       f"SELECT sub.o_id, sub.d, 'events:' || sub.code, sub.n FROM ({sql}) sub", params))
    statements.append((f"INSERT INTO {table} (officer_id, day, metric, value) "
                       f"SELECT sub.o_id, sub.d, 'active:' || sub.code, 1 FROM ({sql}) sub", params))
    sql, params = _sql(step_recordings_by_officer_day(start=start, end=end))
    statements += [
        (f"INSERT INTO {table} (officer_id, day, metric, value) "
         f"SELECT sub.o_id, sub.d, 'steps_recorded', sub.n FROM ({sql}) sub", params),
        (f"INSERT INTO {table} (officer_id, day, metric, value) "
         f"SELECT sub.o_id, sub.d, 'steps_on_time', sub.on_time_n FROM ({sql}) sub WHERE sub.on_time_n > 0", params),
        # A case step recorded here or imported from the national software is a use of QLTHA.
        (_upsert_sql(table, f"SELECT sub.o_id, sub.d, 'events:{SITE_STEP_SOFTWARE}', sub.n FROM ({sql}) sub",
                     on_conflict=add), params),
        (_upsert_sql(table, f"SELECT sub.o_id, sub.d, 'active:{SITE_STEP_SOFTWARE}', 1 FROM ({sql}) sub",
                     on_conflict=one), params),
    ]
    sql, params = _sql(assigned_courses_by_officer_due_day(start=start, end=end))
    statements += [
        (f"INSERT INTO {table} (officer_id, day, metric, value) "
         f"SELECT sub.o_id, sub.d, 'courses_assigned', sub.n FROM ({sql}) sub", params),
        (f"INSERT INTO {table} (officer_id, day, metric, value) "
         f"SELECT sub.o_id, sub.d, 'courses_done_on_time', sub.on_time_n FROM ({sql}) sub "
         f"WHERE sub.on_time_n > 0", params),
    ]
    sql, params = _sql(attempt_results_by_officer_day(start=start, end=end))
    statements += [
        (f"INSERT INTO {table} (officer_id, day, metric, value) "
         f"SELECT sub.o_id, sub.d, 'quiz_finished', sub.n FROM ({sql}) sub", params),
        (f"INSERT INTO {table} (officer_id, day, metric, value) "
         f"SELECT sub.o_id, sub.d, 'quiz_passed', sub.passed_n FROM ({sql}) sub WHERE sub.passed_n > 0", params),
    ]
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE day >= %s AND day <= %s", [start, end])
        for statement, params in statements:
            cursor.execute(statement, params)
            written += max(cursor.rowcount, 0)
    return written


def _fill_unit_range(start: date, end: date) -> int:
    """Rewrite every unit row of days `start`…`end` from the officer rows (each officer's current unit)
    plus the `officers` headcount; returns the number of rows written."""
    table = UnitDayCount._meta.db_table
    source = OfficerDayCount._meta.db_table
    officers = Officer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE day >= %s AND day <= %s", [start, end])
        cursor.execute(
            f"INSERT INTO {table} (unit_id, day, metric, value) "
            f"SELECT o.unit_id, c.day, c.metric, SUM(c.value) FROM {source} c "
            f"JOIN {officers} o ON o.id = c.officer_id WHERE c.day >= %s AND c.day <= %s "
            f"GROUP BY o.unit_id, c.day, c.metric", [start, end])
        written = max(cursor.rowcount, 0)
    headcount = officer_headcount_by_unit()
    rows, day = [], start
    while day <= end:
        rows.extend(UnitDayCount(unit_id=unit_id, day=day, metric="officers", value=n)
                    for unit_id, n in headcount.items())
        day += timedelta(days=1)
    UnitDayCount.objects.bulk_create(rows, batch_size=2000)
    return written + len(rows)


def _fill_range(start: date, end: date, report: FillReport) -> None:
    report.officer_rows += _fill_officer_range(start, end)
    report.unit_rows += _fill_unit_range(start, end)


def _first_day(through: date) -> date:
    earliest = UsageEvent.objects.aggregate(first=Min("day"))["first"]
    default = through - timedelta(days=FIRST_FILL_DAYS - 1)
    return min(earliest, default) if earliest else default


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Contiguous runs of sorted days: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def counts_fill(*, through: date | None = None, start: date | None = None,
                now: datetime | None = None) -> FillReport:
    """Fill both count tables up to `through` (default: yesterday, the last complete day).

    - Forward: from the day after `FillState.filled_through` (or, on a first run, from `start`, by
      default the earlier of the first usage event's day and FIRST_FILL_DAYS ago) to `through`, in
      ranges of CHUNK_DAYS, each in its own transaction together with the move of `filled_through`.
    - Refill: the days in `RefillDay`, plus the recording days of case steps written by imports
      applied since the previous run, when already filled: each run of days is rewritten and its
      `RefillDay` rows deleted in one transaction.

    Idempotent: a second run with nothing new writes nothing. Returns a `FillReport`.
    """
    now = now or timezone.now()
    through = through or (timezone.localdate(now) - timedelta(days=1))
    report = FillReport()
    state, _ = FillState.objects.get_or_create(table=OFFICER_TABLE)
    FillState.objects.get_or_create(table=UNIT_TABLE)
    last_run = state.updated_at if state.filled_through else None

    if state.filled_through is not None:
        if last_run is not None:
            refill_days_mark(days=step_days_imported_since(since=last_run))
        marks = list(RefillDay.objects.filter(day__lte=state.filled_through).order_by("day").values_list("pk", "day"))
        for run_start, run_end in _runs([day for _, day in marks]):
            with transaction.atomic():
                _fill_range(run_start, run_end, report)
                RefillDay.objects.filter(pk__in=[pk for pk, day in marks if run_start <= day <= run_end]).delete()
            day = run_start
            while day <= run_end:
                report.refilled.append(day)
                day += timedelta(days=1)
        # Marks for days beyond what is filled are covered by the forward fill below.
        RefillDay.objects.filter(day__gt=state.filled_through, day__lte=through).delete()
        FillState.objects.filter(table=OFFICER_TABLE).update(updated_at=now)

    begin = state.filled_through + timedelta(days=1) if state.filled_through else (start or _first_day(through))
    while begin <= through:
        end = min(through, begin + timedelta(days=CHUNK_DAYS - 1))
        with transaction.atomic():
            _fill_range(begin, end, report)
            FillState.objects.filter(table__in=[OFFICER_TABLE, UNIT_TABLE]).update(filled_through=end, updated_at=now)
        report.filled.append((begin, end))
        begin = end + timedelta(days=1)
    return report


def fill_state_get() -> date | None:
    """The last day both count tables are complete for (None before the first fill)."""
    state = FillState.objects.filter(table=OFFICER_TABLE).first()
    return state.filled_through if state else None
