"""The nightly fill of the adoption count tables for one day of national data, against a plain
`INSERT … SELECT … GROUP BY` of that day (goal ≤ 1.5×).

National scale (SCALE=1): 10,000 officers in 34 provinces and 355 regional offices, 1,000,000 cases,
10,000,000 case steps and 20,000,000 usage events over one year. SCALE=0.02 (the default) builds a
fiftieth of the officers, cases, steps and events on the same unit tree (on a shared 2-core machine
loading it and filling the year take a few minutes; the measured rounds take seconds). PostgreSQL is loaded with COPY, SQLite with executemany.

    SCALE=0.02 .venv/bin/python bench/analytics_fill.py                  # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/thads_adata SCALE=0.02 .venv/bin/python bench/analytics_fill.py
    (SKIP_SQLITE=1 measures PostgreSQL only; RUNS=5 alternated rounds by default)

Before measuring, the count tables are filled for the whole year (not timed), so every write below
goes into tables of a year of rows, as on the night the fill runs. Measured, alternately, RUNS times
after a warm-up (medians printed):
- fill: `counts_fill(through=day)` with the tables filled up to the day before and no rows of the day
  yet (the nightly job: the fill state read with whether a refill is due, the check for case imports
  applied since, then in one transaction, per table, one DELETE of the day's rows and one
  INSERT … SELECT … GROUP BY — the officer rows from the selectors' queries, the unit sums and
  headcount from the officer rows — and the move of the fill state). The state before each run (the
  day's rows removed, the state set back; on PostgreSQL the dead rows of earlier rounds vacuumed)
  is not timed, and is the same before baseline C and the fill's statements;
- baseline A: the day's officer × metric counts of events and steps written by two hand-written
  `INSERT … SELECT … GROUP BY` into a scratch table (no active flags, no unit table, no state);
- baseline B: hand-written SQL writing the same officer and unit rows as the fill (events, active
  flags, steps, unit sums and headcount) into scratch tables with the same unique keys, holding one day;
- baseline C, like for like (the goal's ratio): the same rows written by hand-written SQL into the
  real count tables (a year of rows, the same schema, keys and indexes), in one transaction: the
  DELETE of the day from both tables, one INSERT … SELECT … GROUP BY for the officer rows and one for
  the unit rows. Checked to leave exactly the fill's rows of the day. The bench data has no course
  enrollments, quiz attempts or contest entries, so C reads events and steps only; the fill still
  runs its (empty) course, quiz and contest sources;
- the fill's statements alone (its DELETE and INSERT per table, one transaction): the fill minus
  this is what the fill spends around the SQL (state, refill marks, late imports).
On SQLite each measured step starts with the write-ahead log checkpointed (not timed), so that the
commit which happens to cross the log's checkpoint size, whichever step it falls to, does not tilt
the comparison. It also prints a refill after a late import touching that day, and checks that fill
and baseline A agree on the day's events and steps.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("SCALE", "0.02"))
PROVINCES, OFFICES = 34, 355
OFFICERS = max(50, int(10_000 * SCALE))
CASES = max(1_000, int(1_000_000 * SCALE))
STEPS = max(10_000, int(10_000_000 * SCALE))
EVENTS = max(20_000, int(20_000_000 * SCALE))
DAYS = 365
FIRST_DAY = date(2025, 10, 1)
RUNS = int(os.environ.get("RUNS", "5"))


def run_per_backend() -> None:
    if os.environ.get("ANALYTICS_BENCH_CHILD"):
        return
    backends = [] if os.environ.get("SKIP_SQLITE") else [("SQLite", None)]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        backends.append(("PostgreSQL", os.environ["DATABASE_URL"]))
    for label, url in backends:
        with tempfile.TemporaryDirectory(prefix="thads-bench-") as tmp:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
            env.update(ANALYTICS_BENCH_CHILD="1", THADS_VAR_DIR=tmp, SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"),
                       MEDIA_ROOT=str(Path(tmp) / "media"), PYTHONPATH=str(ROOT))
            if url:
                env["DATABASE_URL"] = fresh_postgres(url)
            print(f"\n=== {label} ===", flush=True)
            subprocess.run([sys.executable, __file__], env=env, check=True, cwd=ROOT)
    sys.exit(0)


def fresh_postgres(url: str) -> str:
    """A fresh database named after the given one with a _bench suffix (never the given one)."""
    import psycopg

    base, _, name = url.rpartition("/")
    name = f"{name or 'thads'}_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


run_per_backend()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from django.db import connection, transaction  # noqa: E402

from analytics.models import FillState, OfficerDayCount, RefillDay, Software, UnitDayCount  # noqa: E402
from analytics.services import counts_fill  # noqa: E402
from analytics.services.fill import OFFICER_TABLE, UNIT_TABLE, FillReport, _fill_range  # noqa: E402
from cases.models import StepType  # noqa: E402
from org import services as org_services  # noqa: E402
from org.models import Position, UnitKind  # noqa: E402


def load(table: str, columns: list[str], rows) -> None:  # noqa: ANN001
    """COPY on PostgreSQL, executemany in slices on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


def ids(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def populate() -> list[tuple[int, int]]:
    rng = random.Random(10)
    province_kind = UnitKind.objects.create(code="province_agency", name="THADS tỉnh")
    office_kind = UnitKind.objects.create(code="regional_office", name="Phòng THADS khu vực")
    position = Position.objects.create(code="enforcement_officer", name="Chấp hành viên")
    offices = []
    for p in range(PROVINCES):
        province = org_services.unit_create(code=f"T{p:02d}", name=f"THADS tỉnh {p}", kind=province_kind)
        for o in range(OFFICES // PROVINCES + (1 if p < OFFICES % PROVINCES else 0)):
            offices.append(org_services.unit_create(code=f"T{p:02d}-K{o:02d}", name=f"Phòng khu vực {p}-{o}",
                                                    kind=office_kind, parent=province).pk)
    now = datetime(2025, 9, 30, tzinfo=dt_timezone.utc)
    with transaction.atomic():
        load("core_user", ["username", "password", "first_name", "last_name", "email", "is_staff", "is_active",
                           "is_superuser", "date_joined", "must_change_password"],
             ((f"cb{i}", "!", "", "", "", False, True, False, now, False) for i in range(OFFICERS)))
        users = ids("core_user")
        load("org_officer", ["user_id", "email", "full_name", "unit_id", "position_id", "it_level", "is_it_focal",
                             "is_active", "search_name"],
             ((user_id, f"cb{i}@moj.gov.vn", f"Cán bộ {i}", offices[i % len(offices)], position.pk, "b", False,
               True, f"can bo {i}") for i, user_id in enumerate(users)))
    officers = [(pk, unit) for pk, unit in
                __import__("org.models", fromlist=["Officer"]).Officer.objects.values_list("pk", "unit_id")]
    with transaction.atomic():
        load("cases_enforcementcase", ["unit_id", "number", "intake_date", "kind", "judgment_ref", "obligation",
                                       "amount_due", "amount_collected", "status", "external_id", "search_number",
                                       "created_at", "officer_id"],
             ((officers[i % len(officers)][1], f"{i}/QĐ", FIRST_DAY, "on_request", "", "", 0, 0, "in_progress", "",
               f"{i}/qđ", now, officers[i % len(officers)][0]) for i in range(CASES)))
    cases = ids("cases_enforcementcase")
    types = list(StepType.objects.values_list("pk", flat=True))

    def steps():  # noqa: ANN202
        for i in range(STEPS):
            officer_id, unit_id = officers[i % len(officers)]
            recorded = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            lag = min(int(rng.expovariate(0.6)), 30)
            yield (cases[(i * 7919) % len(cases)], rng.choice(types), recorded - timedelta(days=lag),
                   datetime(recorded.year, recorded.month, recorded.day, 3, tzinfo=dt_timezone.utc), recorded,
                   officer_id, unit_id, "import", "", "", lag, lag <= 1, True, 1)

    with transaction.atomic():
        load("cases_casestep", ["case_id", "step_type_id", "legal_date", "recorded_at", "recorded_date",
                                "recorded_by_id", "unit_id", "source", "external_id", "note", "lag_working_days",
                                "on_time", "is_current", "version"], steps())
    software = {code: pk for code, pk in Software.objects.values_list("code", "pk")}
    actions = {}
    for software_id, action_id in Software.objects.values_list("pk", "actions__pk"):
        actions.setdefault(software_id, []).append(action_id)
    software_ids = list(actions)

    def events():  # noqa: ANN202
        for i in range(EVENTS):
            officer_id, _unit = officers[rng.randrange(len(officers))]
            software_id = software_ids[i % len(software_ids)]
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            moment = datetime(day.year, day.month, day.day, rng.randrange(1, 10), tzinfo=dt_timezone.utc)
            yield (officer_id, software_id, actions[software_id][0], moment, day, "import", "bench", f"e{i}", moment)

    with transaction.atomic():
        load("analytics_usageevent", ["officer_id", "software_id", "action_id", "occurred_at", "day", "source",
                                      "source_system", "external_id", "created_at"], events())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert software
    return officers


SCRATCH = "bench_day_counts"
SCRATCH_UNIT = "bench_unit_counts"


def baseline(day: date) -> None:
    """Minimal: the day's officer × metric counts of events and steps, two INSERT … SELECT … GROUP BY."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SCRATCH}")
        cursor.execute(
            f"INSERT INTO {SCRATCH} (officer_id, day, metric, value) "
            "SELECT e.officer_id, e.day, 'events:' || s.code, COUNT(*) FROM analytics_usageevent e "
            "JOIN analytics_software s ON s.id = e.software_id WHERE e.day = %s "
            "GROUP BY e.officer_id, e.day, s.code", [day])
        cursor.execute(
            f"INSERT INTO {SCRATCH} (officer_id, day, metric, value) "
            "SELECT recorded_by_id, recorded_date, 'steps_recorded', COUNT(*) FROM cases_casestep "
            "WHERE is_current AND recorded_date = %s AND recorded_by_id IS NOT NULL "
            "GROUP BY recorded_by_id, recorded_date", [day])


def baseline_same_rows(day: date) -> None:
    """Hand-written SQL writing the same rows as the fill into two scratch tables shaped like the count
    tables (same unique keys): officer rows of events, active flags and steps, then the unit sums and
    headcount."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SCRATCH_UNIT}")
        cursor.execute(f"DELETE FROM {SCRATCH}")
        cursor.execute(
            "WITH ev AS (SELECT e.officer_id AS o, e.day AS d, s.code AS code, COUNT(*) AS n "
            "FROM analytics_usageevent e JOIN analytics_software s ON s.id = e.software_id WHERE e.day = %s "
            "GROUP BY e.officer_id, e.day, s.code), "
            "st AS (SELECT recorded_by_id AS o, recorded_date AS d, COUNT(*) AS n, "
            "SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS t FROM cases_casestep "
            "WHERE is_current AND recorded_date = %s AND recorded_by_id IS NOT NULL GROUP BY recorded_by_id, recorded_date) "
            f"INSERT INTO {SCRATCH} (officer_id, day, metric, value) "
            "SELECT o, d, m, CASE WHEN m LIKE 'active:%%' THEN MAX(v) ELSE SUM(v) END FROM ("
            "SELECT o, d, 'events:' || code AS m, n AS v FROM ev UNION ALL SELECT o, d, 'active:' || code, 1 FROM ev "
            "UNION ALL SELECT o, d, 'events:QLTHA', n FROM st UNION ALL SELECT o, d, 'active:QLTHA', 1 FROM st "
            "UNION ALL SELECT o, d, 'steps_recorded', n FROM st "
            "UNION ALL SELECT o, d, 'steps_on_time', t FROM st WHERE t > 0) x GROUP BY o, d, m", [day, day])
        cursor.execute(
            f"INSERT INTO {SCRATCH_UNIT} (unit_id, day, metric, value) "
            f"SELECT o.unit_id, c.day, c.metric, SUM(c.value) FROM {SCRATCH} c JOIN org_officer o ON o.id = c.officer_id "
            "GROUP BY o.unit_id, c.day, c.metric "
            "UNION ALL SELECT unit_id, " + ("CAST(%s AS date)" if connection.vendor == "postgresql" else "%s")
            + ", 'officers', COUNT(*) FROM org_officer WHERE is_active GROUP BY unit_id", [day])


def baseline_real_tables(day: date) -> None:
    """Like for like: hand-written SQL writing the fill's rows of the day into the real count tables
    (a year of rows, the same schema, unique keys and indexes): in one transaction, the DELETE of the
    day from both tables, one INSERT … SELECT … GROUP BY of the officer rows (events, active flags,
    steps) and one of the unit rows (the officer rows' sums per unit, then the headcount)."""
    day_param = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_unitdaycount WHERE day = %s", [day])
        cursor.execute("DELETE FROM analytics_officerdaycount WHERE day = %s", [day])
        cursor.execute(
            "WITH ev AS (SELECT e.officer_id AS o, e.day AS d, s.code AS code, COUNT(*) AS n "
            "FROM analytics_usageevent e JOIN analytics_software s ON s.id = e.software_id WHERE e.day = %s "
            "GROUP BY e.officer_id, e.day, s.code), "
            "st AS (SELECT recorded_by_id AS o, recorded_date AS d, COUNT(*) AS n, "
            "SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS t FROM cases_casestep "
            "WHERE is_current AND recorded_date = %s AND recorded_by_id IS NOT NULL GROUP BY recorded_by_id, recorded_date) "
            "INSERT INTO analytics_officerdaycount (officer_id, day, metric, value) "
            "SELECT o, d, m, CASE WHEN m LIKE 'active:%%' THEN MAX(v) ELSE SUM(v) END FROM ("
            "SELECT o, d, 'events:' || code AS m, n AS v FROM ev UNION ALL SELECT o, d, 'active:' || code, 1 FROM ev "
            "UNION ALL SELECT o, d, 'events:QLTHA', n FROM st UNION ALL SELECT o, d, 'active:QLTHA', 1 FROM st "
            "UNION ALL SELECT o, d, 'steps_recorded', n FROM st "
            "UNION ALL SELECT o, d, 'steps_on_time', t FROM st WHERE t > 0) x GROUP BY o, d, m", [day, day])
        cursor.execute(
            "INSERT INTO analytics_unitdaycount (unit_id, day, metric, value) "
            "SELECT o.unit_id, c.day, c.metric, SUM(c.value) FROM analytics_officerdaycount c "
            "JOIN org_officer o ON o.id = c.officer_id WHERE c.day = %s GROUP BY o.unit_id, c.day, c.metric "
            f"UNION ALL SELECT unit_id, {day_param}, 'officers', COUNT(*) FROM org_officer WHERE is_active "
            "GROUP BY unit_id", [day, day])


def day_rows(day: date) -> tuple[list, list]:
    """The day's rows of both count tables, sorted: what fill and baseline C must agree on."""
    return (sorted(OfficerDayCount.objects.filter(day=day).values_list("officer_id", "metric", "value")),
            sorted(UnitDayCount.objects.filter(day=day).values_list("unit_id", "metric", "value")))


def fill_statements(day: date) -> None:
    """The fill's own statements for the day (DELETE + INSERT per table) in one transaction, without
    the fill state, refill marks and late-import check around them."""
    with transaction.atomic():
        _fill_range(day, day, FillReport())


def nightly_setup(day: date) -> None:
    """The state before the nightly run (not timed): the tables filled to the day before, no rows of
    the day yet. Run before the fill, baseline C and the fill's statements alike. On PostgreSQL the
    dead rows of the earlier rounds are vacuumed away: a night writes its day once, whereas the
    rounds rewrite the same day, and the dead index entries they leave under that day would slow
    each later round's reads of the day."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_officerdaycount WHERE day = %s", [day])
        cursor.execute("DELETE FROM analytics_unitdaycount WHERE day = %s", [day])
        FillState.objects.filter(table__in=[OFFICER_TABLE, UNIT_TABLE]).update(filled_through=day - timedelta(days=1))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM analytics_officerdaycount, analytics_unitdaycount, {SCRATCH}, {SCRATCH_UNIT}")


def nightly(day: date) -> None:
    report = counts_fill(through=day)
    assert report.filled == [(day, day)], report


def late_setup(day: date) -> None:
    """A late import about `day`, filled already (not timed): what the import itself marks."""
    FillState.objects.filter(table__in=[OFFICER_TABLE, UNIT_TABLE]).update(filled_through=day)
    RefillDay.objects.get_or_create(day=day)


def late_refill(day: date) -> None:
    report = counts_fill(through=day)
    assert report.refilled == [day], report


def main() -> None:
    started = time.perf_counter()
    officers = populate()
    print(f"backend {connection.vendor}, SCALE={SCALE}: {len(officers):,} officers in {PROVINCES} provinces and "
          f"{OFFICES} regional offices, {CASES:,} cases, {STEPS:,} steps, {EVENTS:,} usage events over {DAYS} days; "
          f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {SCRATCH} (officer_id integer, day date, metric varchar(60), value integer, "
                       "UNIQUE (officer_id, day, metric))")
        cursor.execute(f"CREATE INDEX {SCRATCH}_day ON {SCRATCH} (day, metric)")
        cursor.execute(f"CREATE TABLE {SCRATCH_UNIT} (unit_id integer, day date, metric varchar(60), value integer, "
                       "UNIQUE (unit_id, day, metric))")
        cursor.execute(f"CREATE INDEX {SCRATCH_UNIT}_day ON {SCRATCH_UNIT} (day, metric)")
    # The count tables hold the whole year, as they do on the night the fill runs (not timed).
    started = time.perf_counter()
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    year = counts_fill(start=FIRST_DAY, through=last_day)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"count tables filled for the year ({len(year.filled)} ranges): {year.officer_rows:,} officer rows, "
          f"{year.unit_rows:,} unit rows in {time.perf_counter() - started:.0f} s", flush=True)
    day = FIRST_DAY + timedelta(days=DAYS // 2)
    nightly_setup(day)
    nightly(day)
    baseline(day)
    with connection.cursor() as cursor:  # fill and baseline A agree on the day's events and steps
        cursor.execute(f"SELECT metric, SUM(value) FROM {SCRATCH} GROUP BY metric ORDER BY metric")
        expected = dict(cursor.fetchall())
    # Case steps also count as use of the case software.
    expected["events:QLTHA"] = expected.get("events:QLTHA", 0) + expected.get("steps_recorded", 0)
    got = {metric: total for metric, total in OfficerDayCount.objects.filter(day=day).values_list("metric")
           .annotate(total=__import__("django.db.models", fromlist=["Sum"]).Sum("value")).order_by()
           if metric in expected}
    assert got == expected, (got, expected)
    filled = day_rows(day)
    rows, unit_rows = len(filled[0]), len(filled[1])
    nightly_setup(day)
    baseline_real_tables(day)  # C writes exactly the fill's rows of the day, in the same tables
    assert day_rows(day) == filled, "baseline C differs from the fill"
    baseline_same_rows(day)
    timings: dict[str, list[float]] = {name: [] for name in ("fill", "A", "B", "C", "statements", "refill")}
    for _ in range(RUNS):  # alternate, so a change of background load touches all alike
        nightly_setup(day)
        timings["fill"].append(measure_once(lambda: nightly(day)))
        timings["A"].append(measure_once(lambda: baseline(day)))
        timings["B"].append(measure_once(lambda: baseline_same_rows(day)))
        nightly_setup(day)
        timings["C"].append(measure_once(lambda: baseline_real_tables(day)))
        nightly_setup(day)
        timings["statements"].append(measure_once(lambda: fill_statements(day)))
        late_setup(day)
        timings["refill"].append(measure_once(lambda: late_refill(day)))
    assert day_rows(day) == filled, "the day's rows changed between runs"
    fill, base, same, real, statements, refill = (statistics.median(timings[name]) for name in
                                                  ("fill", "A", "B", "C", "statements", "refill"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM analytics_officerdaycount")
        year_rows = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM analytics_unitdaycount")
        year_unit_rows = cursor.fetchone()[0]
    print(f"day {day:%d/%m/%Y}: {expected.get('steps_recorded', 0):,} steps, "
          f"{sum(v for k, v in expected.items() if k.startswith('events:')):,} events → {rows:,} officer rows, "
          f"{unit_rows:,} unit rows (count tables: {year_rows:,} officer rows, {year_unit_rows:,} unit rows)")
    with connection.cursor() as cursor:
        baseline(day)
        cursor.execute(f"SELECT COUNT(*) FROM {SCRATCH}")
        rows_a = cursor.fetchone()[0]
    print(f"baseline A: INSERT … SELECT … GROUP BY of events and steps, scratch table : {base * 1000:8.1f} ms "
          f"({rows_a:,} officer rows, no unit rows)")
    print(f"baseline B: same officer and unit rows, one-day scratch tables           : {same * 1000:8.1f} ms "
          f"({rows:,} officer rows, {unit_rows:,} unit rows)")
    print(f"baseline C: same rows, DELETE + INSERT … SELECT … GROUP BY, real tables  : {real * 1000:8.1f} ms "
          f"({rows:,} officer rows, {unit_rows:,} unit rows; checked equal to the fill's)")
    print(f"fill's statements alone (DELETE + INSERT per table, one transaction)     : {statements * 1000:8.1f} ms "
          f"({statements / real:.2f}× C)")
    print(f"nightly fill of the day: {fill * 1000:8.1f} ms   goal's ratio, like for like: {fill / real:.2f}× C "
          f"(goal ≤ 1.5×); {fill / base:.2f}× A (A writes {rows_a / max(1, rows + unit_rows):.0%} of the fill's rows), "
          f"{fill / same:.2f}× B; around the statements {(fill - statements) * 1000:.1f} ms")
    print(f"refill after a late import: {refill * 1000:8.1f} ms   {refill / real:.2f}× C, {refill / base:.2f}× A, "
          f"{refill / same:.2f}× B")


def measure_once(fn) -> float:  # noqa: ANN001
    if connection.vendor == "sqlite":
        # Not timed: the write-ahead log copied back into the database first, so no measured step
        # pays for a checkpoint that the writes of another step filled.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


main()
