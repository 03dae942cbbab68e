"""Filling the daily count tables (`OfficerDayCount`, `UnitDayCount`) from usage events, case steps,
course assignments, quiz attempts and contest results.

Set-based: for a range of days, the rows of each table are deleted and written again by one
statement pair. The officer table: one `INSERT … SELECT … GROUP BY` whose sources are the other
apps' own selector queries as common table expressions (compiled by the ORM once per process, so
both databases get their own SQL, then reused with the range's dates as parameters). The unit table:
one more `INSERT … SELECT … GROUP BY` over the officer rows just written, never the raw sources. A range is written in one transaction, with
`FillState.filled_through` moved in the same transaction: a re-run starts after it and fills
nothing twice, and an interrupted run leaves no half-filled day.

Late data: `RefillDay` rows (written by usage imports, xAPI statements about filled days, and found
from case-step imports applied since the last fill) make the next run refill exactly those days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, QuerySet
from django.utils import timezone

from analytics.catalogue import SITE_STEP_SOFTWARE
from analytics.models import FillState, OfficerDayCount, RefillDay, UnitDayCount, UsageEvent
from cases.selectors import step_days_imported_since, step_recordings_by_officer_day
from contests.selectors import entry_results_by_officer_day
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
    if state is not None:
        _refill_days_add(days=days, filled_through=state.filled_through)


def _refill_days_add(*, days: set[date] | list[date], filled_through: date | None) -> None:
    if not days or filled_through is None:
        return
    wanted = sorted(day for day in set(days) if day <= filled_through)
    if wanted:
        RefillDay.objects.bulk_create([RefillDay(day=day) for day in wanted], ignore_conflicts=True)


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _sql_list(queryset: QuerySet) -> tuple[str, list]:
    sql, params = _sql(queryset)
    return sql, list(params)


# The selectors' queries depend on the range only through their parameters, so each is compiled by
# the ORM once per process with two marker dates and reused with the range's dates put in their
# place (compiling them cost about as much as running them for one day). Keyed by database vendor.
_MARK_START, _MARK_END = date(1900, 1, 2), date(1900, 1, 3)
_compiled: dict[tuple[str, str], tuple[str, tuple]] = {}


class _Slot:
    """Where the range's first or last day goes in a compiled query's parameters (as a date or as
    the ISO text SQLite's adapter gives)."""

    def __init__(self, end: bool, text: bool) -> None:
        self.end, self.text = end, text

    def value(self, start: date, end: date) -> date | str:
        day = end if self.end else start
        return day.isoformat() if self.text else day


_MARKS = {(_MARK_START, date): _Slot(False, False), (_MARK_START.isoformat(), str): _Slot(False, True),
          (_MARK_END, date): _Slot(True, False), (_MARK_END.isoformat(), str): _Slot(True, True)}


def _range_sql(name: str, build, start: date, end: date) -> tuple[str, list]:  # noqa: ANN001
    """`build(start=…, end=…)`'s SQL and parameters for `start`…`end`, compiled once per process."""
    key = (connection.vendor, name)
    if key not in _compiled:
        sql, params = _sql(build(start=_MARK_START, end=_MARK_END))
        slots = tuple(_MARKS.get((param, type(param)), param) if isinstance(param, (date, str)) else param
                      for param in params)
        ends = {slot.end for slot in slots if isinstance(slot, _Slot)}
        if ends != {False, True}:
            # The range reaches the SQL in another form (the query changed): compile it every time.
            return _sql_list(build(start=start, end=end))
        _compiled[key] = (sql, slots)
    sql, slots = _compiled[key]
    return sql, [slot.value(start, end) if isinstance(slot, _Slot) else slot for slot in slots]


def _events_by_officer_day(*, start: date, end: date) -> QuerySet:
    return (UsageEvent.objects.filter(day__gte=start, day__lte=end)
            .values(o_id=F("officer_id"), d=F("day"), code=F("software__code"))
            .annotate(n=Count("id")).order_by())


def _once(name: str, build) -> tuple[str, tuple]:  # noqa: ANN001
    """`build()` (SQL and parameters, nothing depending on the range) once per process and vendor."""
    key = (connection.vendor, name)
    if key not in _compiled:
        _compiled[key] = build()
    return _compiled[key]


def _officer_select() -> str:
    """The outer SELECT of the officer statement (after its common table expressions)."""
    qltha = SITE_STEP_SOFTWARE
    rows = " UNION ALL ".join([
        "SELECT o_id, d, 'events:' || code AS metric, n AS v FROM ev",
        "SELECT o_id, d, 'active:' || code, 1 FROM ev",
        # A case step recorded here or imported from the national software is a use of QLTHA.
        f"SELECT o_id, d, 'events:{qltha}', n FROM st",
        f"SELECT o_id, d, 'active:{qltha}', 1 FROM st",
        "SELECT o_id, d, 'steps_recorded', n FROM st",
        "SELECT o_id, d, 'steps_on_time', on_time_n FROM st WHERE on_time_n > 0",
        "SELECT o_id, d, 'courses_assigned', n FROM co",
        "SELECT o_id, d, 'courses_done_on_time', on_time_n FROM co WHERE on_time_n > 0",
        "SELECT o_id, d, 'quiz_finished', n FROM qz",
        "SELECT o_id, d, 'quiz_passed', passed_n FROM qz WHERE passed_n > 0",
        "SELECT o_id, d, 'contest_entered', n FROM ct",
        "SELECT o_id, d, 'contest_awarded', awarded_n FROM ct WHERE awarded_n > 0",
    ])
    return (f"SELECT o_id, d, metric, CASE WHEN metric LIKE 'active:%%' THEN MAX(v) ELSE SUM(v) END "
            f"FROM ({rows}) x GROUP BY o_id, d, metric")


OFFICER_SOURCES = (("ev", _events_by_officer_day), ("st", step_recordings_by_officer_day),
                   ("co", assigned_courses_by_officer_due_day), ("qz", attempt_results_by_officer_day),
                   ("ct", entry_results_by_officer_day))


def _fill_officer_range(start: date, end: date) -> int:
    """Rewrite every officer row of days `start`…`end` in one statement: each source (the selectors'
    GROUP BY queries) is read once as a common table expression, and one outer GROUP BY turns them
    into (officer, day, metric) rows — sums for counts, the maximum (1) for the `active:` flags, so a
    day with both usage events and case steps counts once as QLTHA use. Returns the rows written."""
    table = OfficerDayCount._meta.db_table
    ctes, params = [], []
    for name, build in OFFICER_SOURCES:
        sql, source_params = _range_sql(name, build, start, end)
        ctes.append(f"{name} AS ({sql})")
        params.extend(source_params)
    # INSERT first, WITH inside: the driver then reports the rows written (Python's sqlite3 before
    # 3.12 gives no row count for a statement that starts with WITH).
    statement = (f"INSERT INTO {table} (officer_id, day, metric, value) "
                 f"WITH {', '.join(ctes)} {_once('officer', lambda: (_officer_select(), ()))[0]}")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE day >= %s AND day <= %s", [start, end])
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def _fill_unit_range(start: date, end: date) -> int:
    """Rewrite every unit row of days `start`…`end` in one statement, derived from the officer rows
    just written (not from the raw sources again): their sums per unit (each officer counted in their
    current unit) and the `officers` headcount of each day. Returns the number of rows written."""
    table = UnitDayCount._meta.db_table
    source = OfficerDayCount._meta.db_table
    officers = Officer._meta.db_table
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    day_param = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    day_list = " UNION ALL ".join(f"SELECT {day_param} AS d" for _ in days)
    heads, heads_params = _once("heads", lambda: _sql(officer_headcount_by_unit()))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE day >= %s AND day <= %s", [start, end])
        cursor.execute(
            f"INSERT INTO {table} (unit_id, day, metric, value) "
            f"WITH days AS ({day_list}), heads AS ({heads}) "
            f"SELECT o.unit_id, c.day, c.metric, SUM(c.value) FROM {source} c "
            f"JOIN {officers} o ON o.id = c.officer_id WHERE c.day >= %s AND c.day <= %s "
            f"GROUP BY o.unit_id, c.day, c.metric "
            f"UNION ALL SELECT heads.unit_id, days.d, 'officers', heads.n FROM heads CROSS JOIN days",
            [*days, *heads_params, start, end])
        return max(cursor.rowcount, 0)


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

    - Refill: the days in `RefillDay`, plus the recording days of case steps written by imports
      applied since the previous run, when already filled: each run of days is rewritten and its
      `RefillDay` rows deleted in the same transaction.
    - Forward: from the day after `FillState.filled_through` (or, on a first run, from `start`, by
      default the earlier of the first usage event's day and FIRST_FILL_DAYS ago) to `through`, in
      ranges of CHUNK_DAYS, each in one transaction together with the move of `filled_through`.

    Idempotent: a second run with nothing new writes nothing. Returns a `FillReport`.
    """
    now = now or timezone.now()
    through = through or (timezone.localdate(now) - timedelta(days=1))
    report = FillReport()
    # Whether any refill mark is due comes with the fill state, so a night without marks reads them in
    # no query of their own.
    states = {state.table: state for state in FillState.objects.filter(table__in=[OFFICER_TABLE, UNIT_TABLE])
              .annotate(marked=Exists(RefillDay.objects.filter(day__lte=through)))}
    if len(states) < 2:
        for table in (OFFICER_TABLE, UNIT_TABLE):
            states[table] = FillState.objects.get_or_create(table=table)[0]
    filled_through = states[OFFICER_TABLE].filled_through

    if filled_through is not None:
        imported = step_days_imported_since(since=states[OFFICER_TABLE].updated_at)
        _refill_days_add(days=imported, filled_through=filled_through)
        marks = (list(RefillDay.objects.filter(day__lte=through).order_by("day").values_list("pk", "day"))
                 if imported or getattr(states[OFFICER_TABLE], "marked", True) else [])
        refill = [day for _, day in marks if day <= filled_through]
        for run_start, run_end in _runs(refill):
            with transaction.atomic():
                _fill_range(run_start, run_end, report)
                RefillDay.objects.filter(pk__in=[pk for pk, day in marks if run_start <= day <= run_end]).delete()
            report.refilled.extend(run_start + timedelta(days=offset)
                                   for offset in range((run_end - run_start).days + 1))
        # Marks for days not filled yet are covered by the forward fill below.
        beyond = [pk for pk, day in marks if day > filled_through]
        if beyond:
            RefillDay.objects.filter(pk__in=beyond).delete()

    begin = filled_through + timedelta(days=1) if filled_through else (start or _first_day(through))
    while begin <= through:
        end = min(through, begin + timedelta(days=CHUNK_DAYS - 1))
        with transaction.atomic():
            _fill_range(begin, end, report)
            FillState.objects.filter(table__in=[OFFICER_TABLE, UNIT_TABLE]).update(filled_through=end, updated_at=now)
        report.filled.append((begin, end))
        begin = end + timedelta(days=1)
    if report.refilled and not report.filled:
        FillState.objects.filter(table__in=[OFFICER_TABLE, UNIT_TABLE]).update(updated_at=now)
    return report


def fill_state_get() -> date | None:
    """The last day both count tables are complete for (None before the first fill)."""
    state = FillState.objects.filter(table=OFFICER_TABLE).first()
    return state.filled_through if state else None
