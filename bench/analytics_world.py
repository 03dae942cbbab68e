"""National-scale usage data for the analytics benches: officers of the regional offices of a unit
tree, their enforcement cases, case steps and usage events over a year.

Distributions (the same on both back-ends; the values differ, the shapes do not):
- officer i belongs to office i mod offices; case i to officer i mod officers (and that officer's office);
- step i is recorded by officer i mod officers on a day drawn uniformly from the year, about case
  (i × 7919) mod cases, of a step type drawn uniformly; its lag is ⌊Exp(0.6)⌋ days capped at 30
  (legal date = recording day − lag) and it is on time when the lag is at most 1;
- event i is by an officer drawn uniformly, in software i mod software (its first action), on a day
  drawn uniformly from the year at a whole hour drawn from 01:00–09:00 UTC.

PostgreSQL: the server generates the rows (`INSERT … SELECT … FROM generate_series`, `random()` after
`setseed`, explicit ids so the foreign keys follow by arithmetic); each table's secondary indexes,
unique constraints and foreign keys are dropped before its load and recreated (the foreign keys
validated) after it, then everything is analysed. SQLite: Python rows from `random.Random(seed)`,
inserted with executemany in slices. Each table's load time is printed.

`rows_load` (COPY of rows made in Python, optionally into a table stripped the same way) serves the
pages bench, whose rows depend on per-officer habits drawn in Python.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

from django.db import connection, transaction

EVENT_HOURS = range(1, 10)  # UTC: 08:00–16:00 in Viet Nam, the same day
LAG_RATE = 0.6
LAG_CAP = 30
CASE_STRIDE = 7919
CREATED = datetime(2025, 9, 30, tzinfo=dt_timezone.utc)


def rows_insert(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """SQLite (and any back-end): executemany in slices of 20,000 rows."""
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


def rows_load(table: str, columns: list[str], rows: Iterable[tuple], *, bare: bool = False) -> None:
    """Rows made in Python: COPY on PostgreSQL (with `bare`, into the table stripped by `table_bare`;
    call it inside a transaction), executemany in slices elsewhere."""
    if connection.vendor != "postgresql":
        rows_insert(table, columns, rows)
        return
    with table_bare(table) if bare else nullcontext(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def ids(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


@contextmanager
def table_bare(table: str):  # noqa: ANN202
    """PostgreSQL: the table without its secondary indexes, unique constraints and foreign keys for
    the duration; all recreated (foreign keys validated) on the way out. Yields a dict that receives
    the seconds spent recreating them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname", [table])
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))",
            [table])
        indexes = cursor.fetchall()
        for name, _definition, _kind in constraints:  # foreign keys first, then unique keys
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    timing = {}
    yield timing
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition, _kind in reversed(constraints):  # unique keys first, then foreign keys
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    timing["indexes"] = time.perf_counter() - started


def _server_load(table: str, columns: list[str], select: str, params: dict, *, seed: float | None = None) -> None:
    """PostgreSQL: one INSERT … SELECT into the bare table, ids given explicitly; the identity moved
    past them afterwards. Prints the table's load time."""
    started = time.perf_counter()
    with transaction.atomic():
        with table_bare(table) as timing, connection.cursor() as cursor:
            if seed is not None:
                cursor.execute("SELECT setseed(%s)", [seed])
            cursor.execute(f"INSERT INTO {table} (id, {', '.join(columns)}) {select}", params)
            rows = cursor.rowcount
            generated = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
    print(f"  {table:24} {rows:>12,} rows in {time.perf_counter() - started:7.1f} s "
          f"(rows {generated:.1f} s, indexes and constraints {timing['indexes']:.1f} s)", flush=True)


def _timed(table: str, load: Callable[[], int]) -> None:
    started = time.perf_counter()
    with transaction.atomic():
        rows = load()
    print(f"  {table:24} {rows:>12,} rows in {time.perf_counter() - started:7.1f} s", flush=True)


def world_build(*, offices: list[int], position_id: int, officers: int, cases: int, steps: int, events: int,
                first_day: date, days: int, step_types: list[int], software_actions: dict[int, int],
                seed: int = 10) -> list[tuple[int, int]]:
    """Officers (with accounts) spread over `offices`, then their cases, case steps and usage events
    as described in the module's docstring. `software_actions` maps each software to the action its
    events carry. Returns [(officer id, unit id)] in id order."""
    software = list(software_actions)
    actions = [software_actions[pk] for pk in software]
    if connection.vendor == "postgresql":
        _postgres_build(offices=offices, position_id=position_id, officers=officers, cases=cases, steps=steps,
                        events=events, first_day=first_day, days=days, step_types=step_types, software=software,
                        actions=actions, seed=seed)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        _python_build(offices=offices, position_id=position_id, officers=officers, cases=cases, steps=steps,
                      events=events, first_day=first_day, days=days, step_types=step_types, software=software,
                      actions=actions, seed=seed)
    from org.models import Officer

    return list(Officer.objects.order_by("pk").values_list("pk", "unit_id"))


def _postgres_build(*, offices: list[int], position_id: int, officers: int, cases: int, steps: int, events: int,
                    first_day: date, days: int, step_types: list[int], software: list[int], actions: list[int],
                    seed: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
    user_base = _next_id("core_user")
    _server_load(
        "core_user", ["username", "password", "first_name", "last_name", "email", "is_staff", "is_active",
                      "is_superuser", "date_joined", "must_change_password"],
        "SELECT %(base)s + i, 'cb' || i, '!', '', '', '', false, true, false, %(now)s, false "
        "FROM generate_series(0, %(n)s - 1) i",
        {"base": user_base, "now": CREATED, "n": officers})
    officer_base = _next_id("org_officer")
    common = {"officers": officers, "officer_base": officer_base, "offices": offices, "n_offices": len(offices)}
    _server_load(
        "org_officer", ["user_id", "email", "full_name", "unit_id", "position_id", "it_level", "is_it_focal",
                        "is_active", "search_name"],
        "SELECT %(officer_base)s + i, %(user_base)s + i, 'cb' || i || '@moj.gov.vn', 'Cán bộ ' || i, "
        "(%(offices)s::bigint[])[i %% %(n_offices)s + 1], %(position)s, 'b', false, true, 'can bo ' || i "
        "FROM generate_series(0, %(officers)s - 1) i",
        {**common, "user_base": user_base, "position": position_id})
    case_base = _next_id("cases_enforcementcase")
    _server_load(
        "cases_enforcementcase", ["unit_id", "number", "intake_date", "kind", "judgment_ref", "obligation",
                                  "amount_due", "amount_collected", "status", "external_id", "search_number",
                                  "created_at", "officer_id"],
        "SELECT %(case_base)s + i, (%(offices)s::bigint[])[(i %% %(officers)s) %% %(n_offices)s + 1], "
        "i || '/QĐ', %(first)s, 'on_request', '', '', 0, 0, 'in_progress', '', i || '/qđ', %(now)s, "
        "%(officer_base)s + i %% %(officers)s FROM generate_series(0, %(n)s - 1) i",
        {**common, "case_base": case_base, "first": first_day, "now": CREATED, "n": cases})
    _server_load(
        "cases_casestep", ["case_id", "step_type_id", "legal_date", "recorded_at", "recorded_date",
                           "recorded_by_id", "unit_id", "source", "external_id", "note", "lag_working_days",
                           "on_time", "is_current", "version"],
        "SELECT %(step_base)s + i, %(case_base)s + (i * %(stride)s) %% %(cases)s, step_type, d - lag, "
        "(d + time '03:00') AT TIME ZONE 'UTC', d, %(officer_base)s + i %% %(officers)s, "
        "(%(offices)s::bigint[])[(i %% %(officers)s) %% %(n_offices)s + 1], 'import', '', '', lag, lag <= 1, "
        "true, 1 FROM (SELECT i, (%(types)s::bigint[])[1 + floor(random() * %(n_types)s)::int] AS step_type, "
        "%(first)s::date + floor(random() * %(days)s)::int AS d, "
        "least(floor(-ln(1.0 - random()) / %(rate)s), %(cap)s)::int AS lag "
        "FROM generate_series(0::bigint, %(n)s - 1) i) s",
        {**common, "step_base": _next_id("cases_casestep"), "case_base": case_base, "stride": CASE_STRIDE,
         "cases": cases, "types": step_types, "n_types": len(step_types), "first": first_day, "days": days,
         "rate": LAG_RATE, "cap": LAG_CAP, "n": steps},
        seed=(seed % 100) / 100)
    _server_load(
        "analytics_usageevent", ["officer_id", "software_id", "action_id", "occurred_at", "day", "source",
                                 "source_system", "external_id", "created_at"],
        "SELECT %(event_base)s + i, officer, (%(software)s::bigint[])[i %% %(n_software)s + 1], "
        "(%(actions)s::bigint[])[i %% %(n_software)s + 1], moment, d, 'import', 'bench', 'e' || i, moment "
        "FROM (SELECT i, officer, d, (d + make_interval(hours => h)) AT TIME ZONE 'UTC' AS moment FROM "
        "(SELECT i, %(officer_base)s + floor(random() * %(officers)s)::bigint AS officer, "
        "%(first)s::date + floor(random() * %(days)s)::int AS d, "
        "%(first_hour)s + floor(random() * %(n_hours)s)::int AS h "
        "FROM generate_series(0::bigint, %(n)s - 1) i) r) s",
        {**common, "event_base": _next_id("analytics_usageevent"), "software": software,
         "actions": actions, "n_software": len(software), "first": first_day, "days": days,
         "first_hour": EVENT_HOURS[0], "n_hours": len(EVENT_HOURS), "n": events},
        seed=-(seed % 100) / 100)


def _python_build(*, offices: list[int], position_id: int, officers: int, cases: int, steps: int, events: int,
                  first_day: date, days: int, step_types: list[int], software: list[int], actions: list[int],
                  seed: int) -> None:
    rng = random.Random(seed)

    def users() -> int:
        rows_insert("core_user", ["username", "password", "first_name", "last_name", "email", "is_staff",
                                  "is_active", "is_superuser", "date_joined", "must_change_password"],
                    ((f"cb{i}", "!", "", "", "", False, True, False, CREATED, False) for i in range(officers)))
        return officers

    _timed("core_user", users)
    user_ids = ids("core_user")[-officers:]

    def staff() -> int:
        rows_insert("org_officer", ["user_id", "email", "full_name", "unit_id", "position_id", "it_level",
                                    "is_it_focal", "is_active", "search_name"],
                    ((user_id, f"cb{i}@moj.gov.vn", f"Cán bộ {i}", offices[i % len(offices)], position_id, "b",
                      False, True, f"can bo {i}") for i, user_id in enumerate(user_ids)))
        return officers

    _timed("org_officer", staff)
    from org.models import Officer

    people = list(Officer.objects.filter(user_id__in=user_ids).order_by("pk").values_list("pk", "unit_id"))

    def case_rows() -> int:
        rows_insert("cases_enforcementcase", ["unit_id", "number", "intake_date", "kind", "judgment_ref",
                                              "obligation", "amount_due", "amount_collected", "status",
                                              "external_id", "search_number", "created_at", "officer_id"],
                    ((people[i % len(people)][1], f"{i}/QĐ", first_day, "on_request", "", "", 0, 0, "in_progress",
                      "", f"{i}/qđ", CREATED, people[i % len(people)][0]) for i in range(cases)))
        return cases

    _timed("cases_enforcementcase", case_rows)
    case_ids = ids("cases_enforcementcase")[-cases:]

    def step_rows() -> int:
        def rows():  # noqa: ANN202
            for i in range(steps):
                officer_id, unit_id = people[i % len(people)]
                recorded = first_day + timedelta(days=rng.randrange(days))
                lag = min(int(rng.expovariate(LAG_RATE)), LAG_CAP)
                yield (case_ids[(i * CASE_STRIDE) % len(case_ids)], rng.choice(step_types),
                       recorded - timedelta(days=lag),
                       datetime(recorded.year, recorded.month, recorded.day, 3, tzinfo=dt_timezone.utc), recorded,
                       officer_id, unit_id, "import", "", "", lag, lag <= 1, True, 1)

        rows_insert("cases_casestep", ["case_id", "step_type_id", "legal_date", "recorded_at", "recorded_date",
                                       "recorded_by_id", "unit_id", "source", "external_id", "note",
                                       "lag_working_days", "on_time", "is_current", "version"], rows())
        return steps

    _timed("cases_casestep", step_rows)

    def event_rows() -> int:
        def rows():  # noqa: ANN202
            for i in range(events):
                officer_id, _unit = people[rng.randrange(len(people))]
                day = first_day + timedelta(days=rng.randrange(days))
                moment = datetime(day.year, day.month, day.day, rng.randrange(EVENT_HOURS.start, EVENT_HOURS.stop),
                                  tzinfo=dt_timezone.utc)
                yield (officer_id, software[i % len(software)], actions[i % len(software)], moment, day, "import",
                       "bench", f"e{i}", moment)

        rows_insert("analytics_usageevent", ["officer_id", "software_id", "action_id", "occurred_at", "day",
                                             "source", "source_system", "external_id", "created_at"], rows())
        return events

    _timed("analytics_usageevent", event_rows)
