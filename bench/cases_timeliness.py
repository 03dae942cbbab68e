"""The unit timeliness selector over 1,000,000 steps against the equivalent hand-written SQL aggregate.

Prints the median time of each (5 runs after a warm-up) and their ratio (goal ≤ 2×), on a temporary
SQLite file and on PostgreSQL when DATABASE_URL is set. The hand-written query computes, per officer
of the unit subtree and period, the step count and on-time count — plus, on PostgreSQL, median and
90th percentile lag with percentile_cont; the selector returns the same figures (and missed deadlines).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases_common import build_units, run_per_backend, setup_django  # noqa: E402

run_per_backend(__file__)
setup_django()

from django.db import connection, transaction  # noqa: E402

from cases import selectors  # noqa: E402
from cases.models import EnforcementCase, StepType  # noqa: E402
from core.models import User  # noqa: E402

STEPS = int(os.environ.get("CASES_BENCH_STEPS", "1000000"))
BRANCHES, OFFICERS = 20, 10
CASES = 50_000
RUNS = 5


def populate() -> tuple:
    root, staff = build_units(BRANCHES, OFFICERS)
    units = list(staff)
    officers = [(officer.pk, unit.pk) for unit in units for officer in staff[unit]]
    cases = EnforcementCase.objects.bulk_create([
        EnforcementCase(unit=units[i % len(units)], number=f"{i}", search_number=f"{i}", intake_date=date(2025, 1, 1))
        for i in range(CASES)], batch_size=5000)
    types = list(StepType.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    start = date(2025, 1, 1)
    sql = ("INSERT INTO cases_casestep (case_id, step_type_id, legal_date, recorded_at, recorded_date, recorded_by_id,"
           " unit_id, source, external_id, note, lag_working_days, on_time, is_current, version)"
           " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    batch = []
    with connection.cursor() as cursor:
        for i in range(STEPS):
            officer_id, unit_id = officers[i % len(officers)]
            case = cases[(i * 7919) % CASES]
            legal = start + timedelta(days=rng.randint(0, 540))
            lag = min(int(rng.expovariate(0.6)), 30)
            recorded = legal + timedelta(days=lag + lag // 5 * 2)
            batch.append((case.pk, rng.choice(types), legal, datetime(recorded.year, recorded.month, recorded.day, 3,
                                                                      tzinfo=dt_timezone.utc),
                          recorded, officer_id, unit_id, "import", "", "", lag, lag <= 1, True, 1))
            if len(batch) == 50_000:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            with transaction.atomic():
                cursor.executemany(sql, batch)
        cursor.execute("ANALYZE")
    return root


def hand_written(root, period) -> list:  # noqa: ANN001
    percentiles = (", percentile_cont(0.5) WITHIN GROUP (ORDER BY s.lag_working_days),"
                   " percentile_cont(0.9) WITHIN GROUP (ORDER BY s.lag_working_days)") \
        if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.recorded_by_id, COUNT(*), SUM(CASE WHEN s.on_time THEN 1 ELSE 0 END)" + percentiles +
            " FROM cases_casestep s JOIN org_unit u ON u.id = s.unit_id"
            " WHERE s.is_current AND s.recorded_date >= %s AND s.recorded_date <= %s AND u.path LIKE %s"
            " GROUP BY s.recorded_by_id", [period.start, period.end, root.path + "%"])
        return cursor.fetchall()


def measure(fn) -> float:  # noqa: ANN001
    fn()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    started = time.perf_counter()
    root = populate()
    print(f"backend {connection.vendor}: {STEPS:,} steps, {BRANCHES * OFFICERS} officers, "
          f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    admin = User.objects.create(username="bench-admin", is_superuser=True)
    period = selectors.period_working_year(year=2026)
    report = selectors.timeliness_by_officer(user=admin, period=period, unit=root, today=date(2026, 6, 30))
    baseline = {row[0]: row for row in hand_written(root, period)}
    assert {row.officer_id for row in report.rows} == set(baseline)
    for row in report.rows:  # the selector agrees with the hand-written SQL
        assert (row.steps, row.on_time) == (baseline[row.officer_id][1], baseline[row.officer_id][2])
    steps_in_period = sum(row.steps for row in report.rows)
    selector_time = measure(lambda: selectors.timeliness_by_officer(user=admin, period=period, unit=root,
                                                                    today=date(2026, 6, 30)))
    sql_time = measure(lambda: hand_written(root, period))
    print(f"period {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}: {steps_in_period:,} steps aggregated")
    print(f"hand-written SQL aggregate : {sql_time * 1000:8.1f} ms")
    print(f"timeliness_by_officer      : {selector_time * 1000:8.1f} ms   ratio {selector_time / sql_time:.2f}× (goal ≤ 2×)")


main()
