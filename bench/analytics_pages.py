"""Adoption dashboard and province overview: server time against the raw SQL aggregate over the same
count tables, against the same figures computed from raw usage events, and queries as data grows 10×.

Run:  SCALE=0.01 .venv/bin/python bench/analytics_pages.py [--rounds 7]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/thads_bench_adash SCALE=0.01 .venv/bin/python bench/analytics_pages.py
      (SKIP_GROWTH=1 stops after phase 1: at SCALE=1 the tenfold growth is 100,000 officers;
      REUSE_WORLD=1 with the DATABASE_URL of an earlier run measures phase 1 again on the world it left)

SCALE is the fraction of national scale (10,000 officers in 34 provinces and 355 regional offices)
built in phase 1; phase 2 grows the officers of the same offices (and their rows) tenfold. In a
temporary folder (or the empty PostgreSQL database named by DATABASE_URL) it:
1. migrates, builds provinces → regional offices → officers (bulk inserts), the 8 software, the daily
   count tables (`OfficerDayCount`, `UnitDayCount`) from 1 October (the working year) to today, 12 months of
   `AdoptionScore`, and the raw `UsageEvent` rows behind the activity counts (2 per active day); rows
   made in Python, loaded with COPY on PostgreSQL (`bench/analytics_world.py`; the officer count and
   event tables without their secondary indexes and constraints, recreated after), executemany on
   SQLite, then ANALYZE; the time of each part printed;
2. measures in-process (Django test client, median of --rounds) the unit dashboard as the manager of one
   regional office and the province overview as the provincial leader, with their query counts, three
   times: "cold", the first request after a fill (the data version moved by `score_state_touch` before
   each round, outside the clock, so the figures from the count tables are built again); "warm", a repeat
   request that reads those figures from the cache (locmem, or Redis when REDIS_URL is set); and the
   first visit after the nightly job built the landing pages (`selectors.landing_figures_warm`, what
   `fill_counts` runs after the fill; its time printed on its own);
3. measures the baselines on the same data: the raw SQL aggregate over the count tables that yields the
   same figures (per-officer sums, unit × software sums, scores; for the province, scores per unit ×
   month), and the activity figures computed from raw usage events (active days per officer × software
   with COUNT(DISTINCT day); per unit × month for the province);
4. grows tenfold and measures again (unless SKIP_GROWTH is set).
Goal: page ≤ 2 × the raw count-table aggregate; queries the same after the growth. It reports; it
asserts nothing. The raw SQL is timed once per page and compared with both the cold and the warm page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONAL_OFFICERS, NATIONAL_PROVINCES, NATIONAL_OFFICES = 10_000, 34, 355
SOFTWARE = ["QLTHA", "QLVB", "CKS", "VBDT", "EMAIL", "HTTT", "HOP", "WEB"]
EVENTS_PER_ACTIVE_DAY = 2
GOAL = 2.0


def _foundation():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("foundation_pages", ROOT / "bench" / "foundation_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_org(scale: float) -> dict:
    from org import services
    from org.models import Position, UnitKind

    province_kind = UnitKind.objects.create(code="b_province", name="THADS tỉnh")
    office_kind = UnitKind.objects.create(code="b_office", name="Phòng THADS khu vực")
    head = Position.objects.get_or_create(code="b_head", defaults={"name": "Thủ trưởng"})[0]
    clerk = Position.objects.get_or_create(code="b_officer", defaults={"name": "Chấp hành viên"})[0]
    provinces = max(1, round(NATIONAL_PROVINCES * scale))
    offices_total = max(2 * provinces, round(NATIONAL_OFFICES * scale))
    units = {"provinces": [], "offices": []}
    for index in range(provinces):
        province = services.unit_create(code=f"BP{index:02d}", name=f"THADS tỉnh {index}", kind=province_kind)
        units["provinces"].append(province)
        for number in range(offices_total // provinces):
            units["offices"].append(services.unit_create(code=f"BP{index:02d}-{number:02d}",
                                                         name=f"Phòng THADS khu vực {index}.{number}",
                                                         kind=office_kind, parent=province))
    first_office = units["offices"][0]
    manager = services.officer_create(full_name="Quản Lý Đo", email="bench.manager@moj.gov.vn", unit=first_office,
                                      position=head, username="bench_manager", password="Bench-pass-123",
                                      roles={"officer", "unit_manager"})
    leader = services.officer_create(full_name="Lãnh Đạo Đo", email="bench.leader@moj.gov.vn",
                                     unit=units["provinces"][0], position=head, username="bench_leader",
                                     password="Bench-pass-123", roles={"officer", "provincial_leader"})
    for officer in (manager, leader):  # no first-sign-in password change in the way
        type(officer.user).objects.filter(pk=officer.user_id).update(must_change_password=False)
        officer.user.refresh_from_db()
    units.update(manager=manager, leader=leader, position=clerk,
                 per_office=max(1, round(NATIONAL_OFFICERS * scale / len(units["offices"]))))
    return units


def existing_world() -> dict:
    """The provinces, offices, manager and leader of a world an earlier run left in DATABASE_URL's database
    (REUSE_WORLD=1: phase 1 measured again without building it; with the working year up to the day it
    was built)."""
    from org.models import Officer, Unit

    offices = list(Unit.objects.filter(kind__code="b_office").order_by("code"))
    return {"provinces": list(Unit.objects.filter(kind__code="b_province").order_by("code")), "offices": offices,
            "manager": Officer.objects.select_related("user").get(user__username="bench_manager"),
            "leader": Officer.objects.select_related("user").get(user__username="bench_leader")}


def add_officers(units: dict, per_office: int, tag: str) -> list:
    """Bulk-insert `per_office` officers (with accounts) into every regional office."""
    from django.contrib.auth import get_user_model

    from org.models import Officer

    user_model = get_user_model()
    users = [user_model(username=f"b{tag}-{office.pk}-{index}", email=f"b{tag}.{office.pk}.{index}@moj.gov.vn")
             for office in units["offices"] for index in range(per_office)]
    for user in users:
        user.set_unusable_password()
    user_model.objects.bulk_create(users, batch_size=2000)
    users = {user.username: user for user in user_model.objects.filter(username__startswith=f"b{tag}-")}
    officers = []
    for office in units["offices"]:
        for index in range(per_office):
            user = users[f"b{tag}-{office.pk}-{index}"]
            officers.append(Officer(user=user, email=user.email, full_name=f"Cán bộ {tag} {office.pk}.{index}",
                                    unit=office, position=units["position"], search_name=f"can bo {tag}"))
    Officer.objects.bulk_create(officers, batch_size=2000)
    return list(Officer.objects.filter(search_name=f"can bo {tag}").values_list("pk", "unit_id"))


def seed_software() -> dict:
    from analytics.models import Software, SoftwareAction

    result = {}
    for order, code in enumerate(SOFTWARE):
        software = Software.objects.get_or_create(code=code, defaults={"name": code, "order": order})[0]
        action = SoftwareAction.objects.get_or_create(software=software, code="use", defaults={"name": "dùng"})[0]
        result[code] = (software.pk, action.pk)
    return result


def fill_rows(officers: list, software: dict, start: dt.date, today: dt.date, seed: int) -> int:
    """Count rows, unit rows, scores and raw events for these officers; returns rows written."""
    from django.db import connection, transaction

    from analytics.models import AdoptionScore, OfficerDayCount, UnitDayCount, UsageEvent
    from bench.analytics_world import rows_load
    from core.calendar import get_calendar

    began = time.perf_counter()
    calendar = get_calendar()
    rng = random.Random(seed)
    days = [start + dt.timedelta(days=offset) for offset in range((today - start).days + 1)]
    working = [day for day in days if calendar.is_working_day(day)]
    tz = dt.timezone(dt.timedelta(hours=7))
    officer_rows, event_rows, unit_sums = [], [], {}
    for officer_id, unit_id in officers:
        habit = rng.random()
        for day in working:
            for code in SOFTWARE:
                if rng.random() < habit * 0.8:
                    officer_rows += [(officer_id, day, f"active:{code}", 1),
                                     (officer_id, day, f"events:{code}", EVENTS_PER_ACTIVE_DAY)]
                    for key in (f"active:{code}", f"events:{code}"):
                        unit_sums[(unit_id, day, key)] = unit_sums.get((unit_id, day, key), 0) + (
                            1 if key.startswith("active") else EVENTS_PER_ACTIVE_DAY)
                    for number in range(EVENTS_PER_ACTIVE_DAY):
                        moment = dt.datetime.combine(day, dt.time(8 + number, 30), tzinfo=tz)
                        event_rows.append((officer_id, *software[code], moment, "import", "bench",
                                           f"{officer_id}-{day:%Y%m%d}-{code}-{number}", moment))
            steps = rng.randint(0, 4)
            if steps:
                on_time = sum(rng.random() < habit for _ in range(steps))
                officer_rows += [(officer_id, day, "steps_recorded", steps), (officer_id, day, "steps_on_time", on_time)]
                for key, value in (("steps_recorded", steps), ("steps_on_time", on_time)):
                    unit_sums[(unit_id, day, key)] = unit_sums.get((unit_id, day, key), 0) + value
        for day in days:
            unit_sums[(unit_id, day, "officers")] = unit_sums.get((unit_id, day, "officers"), 0) + 1
    first_month = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    months = []
    month = first_month
    while month <= today:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    scores = []
    for officer_id, _unit in officers:
        level = rng.uniform(10, 90)
        for month in months:
            level = min(100, max(0, level + rng.uniform(-6, 8)))
            stage = "none" if level < 1 else "beginner" if level < 50 else "regular" if level < 80 else "proficient"
            scores.append(AdoptionScore(officer_id=officer_id, month=month, activity=level, breadth=level,
                                        timeliness=level, training=level, skills=level, total=round(level, 2),
                                        stage=stage))
    made = time.perf_counter()
    spent = {}

    def clock(label: str, since: float) -> float:
        now = time.perf_counter()
        spent[label] = now - since
        return now

    with transaction.atomic():
        mark = made
        rows_load(OfficerDayCount._meta.db_table, ["officer_id", "day", "metric", "value"], officer_rows, bare=True)
        mark = clock("officer counts", mark)
        existing = {(unit, day, metric): value for unit, day, metric, value in UnitDayCount.objects.values_list(
            "unit_id", "day", "metric", "value")}
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {UnitDayCount._meta.db_table}")
        for key, value in existing.items():
            unit_sums[key] = unit_sums.get(key, 0) + value
        rows_load(UnitDayCount._meta.db_table, ["unit_id", "day", "metric", "value"],
                  [(*key, value) for key, value in unit_sums.items()])
        mark = clock("unit counts", mark)
        rows_load(UsageEvent._meta.db_table, ["officer_id", "software_id", "action_id", "occurred_at", "source",
                                              "source_system", "external_id", "created_at"], event_rows, bare=True)
        mark = clock("events", mark)
        AdoptionScore.objects.bulk_create(scores, batch_size=5000)
        mark = clock("scores", mark)
    mark = clock("commit", mark)
    with connection.cursor() as cursor:  # statistics in place before the clock starts, not when autovacuum gets to it
        cursor.execute("ANALYZE")
    clock("ANALYZE", mark)
    print(f"  rows made in Python in {made - began:.1f} s; written in "
          + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in spent.items()), flush=True)
    return len(officer_rows) + len(unit_sums) + len(event_rows) + len(scores)


def timed(function, rounds: int) -> float:  # noqa: ANN001
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def timed_cold(function, rounds: int) -> float:  # noqa: ANN001
    """Median time of `function` right after the data version moved (as a fill moves it)."""
    from analytics.services.scores import score_state_touch

    samples = []
    for _ in range(rounds):
        score_state_touch()
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def timed_after_build(function) -> tuple[float, float]:  # noqa: ANN001
    """After the data version moved, the nightly job's build of the landing pages
    (`selectors.landing_figures_warm`, outside the clock but timed on its own), then `function`: the
    first visit of the day. Returns (page time, build time)."""
    from analytics.selectors import landing_figures_warm
    from analytics.services.scores import score_state_touch
    from analytics.views import dashboard_sections_warm, province_content

    score_state_touch()
    started = time.perf_counter()
    landing_figures_warm(province_page=province_content, dashboard_page=dashboard_sections_warm)  # as fill_counts does
    build = time.perf_counter() - started
    started = time.perf_counter()
    function()
    return time.perf_counter() - started, build


def page(client, path: str):  # noqa: ANN001, ANN201
    def run() -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return run


def sql(statement: str, params: list):  # noqa: ANN201
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()
    return run


def raw_dashboard_aggregate(path: str, start: dt.date, end: dt.date):  # noqa: ANN201
    """The dashboard's figures straight from the count tables: per-officer sums, unit × metric sums,
    scores of the month, and the working year's trend (scores by month, unit sums by day)."""
    from analytics.models import AdoptionScore, OfficerDayCount, UnitDayCount

    like = path + "%"
    statements = [
        (f"SELECT c.officer_id, c.metric, SUM(c.value) FROM {OfficerDayCount._meta.db_table} c "
         "JOIN org_officer o ON o.id = c.officer_id JOIN org_unit u ON u.id = o.unit_id "
         "WHERE u.path LIKE %s AND c.day BETWEEN %s AND %s GROUP BY c.officer_id, c.metric", [like, start, end]),
        (f"SELECT u.path, c.metric, SUM(c.value) FROM {UnitDayCount._meta.db_table} c "
         "JOIN org_unit u ON u.id = c.unit_id WHERE u.path LIKE %s AND c.day BETWEEN %s AND %s "
         "GROUP BY u.path, c.metric", [like, start, end]),
        (f"SELECT s.officer_id, s.total, s.stage FROM {AdoptionScore._meta.db_table} s "
         "JOIN org_officer o ON o.id = s.officer_id JOIN org_unit u ON u.id = o.unit_id "
         "WHERE u.path LIKE %s AND s.month = %s", [like, end.replace(day=1)]),
    ]
    year_start = dt.date(end.year if end.month >= 10 else end.year - 1, 10, 1)
    statements += [
        (f"SELECT s.month, AVG(s.total) FROM {AdoptionScore._meta.db_table} s "
         "JOIN org_officer o ON o.id = s.officer_id JOIN org_unit u ON u.id = o.unit_id "
         "WHERE u.path LIKE %s AND s.month BETWEEN %s AND %s GROUP BY s.month", [like, year_start, end]),
        (f"SELECT c.day, c.metric, SUM(c.value) FROM {UnitDayCount._meta.db_table} c "
         "JOIN org_unit u ON u.id = c.unit_id WHERE u.path LIKE %s AND c.day BETWEEN %s AND %s "
         "AND c.metric IN ('steps_recorded', 'steps_on_time', 'officers') GROUP BY c.day, c.metric",
         [like, year_start, end]),
    ]
    runs = [sql(statement, params) for statement, params in statements]
    return lambda: [run() for run in runs]


def raw_events_dashboard(path: str, start: dt.date, end: dt.date):  # noqa: ANN201
    """Activity per officer × software from the raw events (what the count tables spare each request)."""
    from django.db import connection

    from analytics.models import UsageEvent

    day = "DATE(e.occurred_at)" if connection.vendor == "sqlite" else "(e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    tz = dt.timezone(dt.timedelta(hours=7))
    return sql(f"SELECT e.officer_id, e.software_id, COUNT(DISTINCT {day}), COUNT(*) "
               f"FROM {UsageEvent._meta.db_table} e JOIN org_officer o ON o.id = e.officer_id "
               "JOIN org_unit u ON u.id = o.unit_id WHERE u.path LIKE %s AND e.occurred_at >= %s AND e.occurred_at < %s "
               "GROUP BY e.officer_id, e.software_id",
               [path + "%", dt.datetime.combine(start, dt.time.min, tzinfo=tz),
                dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)])


def raw_province_aggregate(path: str, first: dt.date, last: dt.date):  # noqa: ANN201
    from analytics.models import AdoptionScore

    return sql(f"SELECT u.path, s.month, COUNT(*), SUM(s.total), SUM(s.activity), SUM(s.breadth), "
               "SUM(s.timeliness), SUM(s.training), SUM(s.skills) "
               f"FROM {AdoptionScore._meta.db_table} s JOIN org_officer o ON o.id = s.officer_id "
               "JOIN org_unit u ON u.id = o.unit_id WHERE u.path LIKE %s AND s.month BETWEEN %s AND %s "
               "GROUP BY u.path, s.month", [path + "%", first, last])


def raw_events_province(path: str, start: dt.date, end: dt.date):  # noqa: ANN201
    from django.db import connection

    from analytics.models import UsageEvent

    month = ("strftime('%%Y-%%m', e.occurred_at)" if connection.vendor == "sqlite"
             else "date_trunc('month', e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')")
    day = "DATE(e.occurred_at)" if connection.vendor == "sqlite" else "(e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    tz = dt.timezone(dt.timedelta(hours=7))
    return sql(f"SELECT u.path, {month}, COUNT(DISTINCT e.officer_id || '-' || {day}) "
               f"FROM {UsageEvent._meta.db_table} e JOIN org_officer o ON o.id = e.officer_id "
               "JOIN org_unit u ON u.id = o.unit_id WHERE u.path LIKE %s AND e.occurred_at >= %s AND e.occurred_at < %s "
               f"GROUP BY u.path, {month}",
               [path + "%", dt.datetime.combine(start, dt.time.min, tzinfo=tz),
                dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)])


def queries(client, path: str) -> tuple[int, int]:  # noqa: ANN001
    """Queries of the cold request (first after a fill) and of the warm one (repeat)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analytics.services.scores import score_state_touch

    client.get(path)  # steady state: caches with a time limit (principal, catalogue) filled again
    score_state_touch()
    counts = []
    for _attempt in range(2):
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counts.append(len(captured))
    return counts[0], counts[1]


def phase(name: str, units: dict, clients: dict, rounds: int) -> dict:
    from django.utils import timezone

    from analytics import selectors

    today = timezone.localdate()
    period = selectors.period_get(kind="cumulative", year=today.year, month=today.month)
    office, province = units["offices"][0].path, units["provinces"][0].path
    first_month = selectors.add_months(today, -11)
    targets = {
        "dashboard (manager, one office)": (page(clients["manager"], "/analytics/"),
                                            raw_dashboard_aggregate(office, period.start, period.end),
                                            raw_events_dashboard(office, period.start, period.end)),
        "dashboard (leader, province)": (page(clients["leader"], "/analytics/"),
                                         raw_dashboard_aggregate(province, period.start, period.end),
                                         raw_events_dashboard(province, period.start, period.end)),
        "province overview (leader)": (page(clients["leader"], "/analytics/province/"),
                                       raw_province_aggregate(province, first_month, today.replace(day=1)),
                                       raw_events_province(province, first_month, today)),
    }
    results = {}
    for label, (view, raw, events) in targets.items():
        view()  # caches warm (session, principal, software catalogue)
        # Cold and warm rounds alternate with the raw SQL, so that the machine's load shifts hit all alike.
        cold_samples, warm_samples, raw_samples, built_samples, build_samples = [], [], [], [], []
        for _round in range(rounds):
            cold_samples.append(timed_cold(view, 1))
            warm_samples.append(timed(view, 1))
            raw_samples.append(timed(raw, 1))
            built, build = timed_after_build(view)
            built_samples.append(built)
            build_samples.append(build)
        cold_time, warm_time, raw_time, built_time, build_time = (
            statistics.median(samples) for samples in (cold_samples, warm_samples, raw_samples, built_samples,
                                                       build_samples))
        events_time = timed(events, max(3, rounds // 2))
        path = "/analytics/province/" if "province overview" in label else "/analytics/"
        cold_count, warm_count = queries(clients["manager" if "manager" in label else "leader"], path)
        results[label] = (cold_time, warm_time, raw_time, events_time, cold_count, warm_count)
        print(f"  {name:4} {label:31} raw count-table SQL {raw_time * 1000:7.1f} ms · raw events"
              f" {events_time * 1000:8.1f} ms (÷ count-table SQL {events_time / raw_time:6.1f}×)")
        for kind, page_time, count in (("cold (first request after a fill)", cold_time, cold_count),
                                       ("warm (repeat, figures cached)", warm_time, warm_count),
                                       ("first visit after the nightly build", built_time, None)):
            print(f"  {name:4} {label:31}   {kind:34} page {page_time * 1000:8.1f} ms"
                  f" → {page_time / raw_time:5.2f}× the raw SQL"
                  + (f" · {count} queries" if count is not None else
                     f" (the build of the bench's 3 landing pages: {build_time * 1000:.1f} ms)"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    scale = float(os.environ.get("SCALE", "0.01"))
    foundation = _foundation()
    workdir = Path(tempfile.mkdtemp(prefix="thads-bench-analytics-"))
    foundation.configure_environment(workdir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    if os.environ.get("REUSE_WORLD"):
        units = existing_world()
        print(f"reused: {len(units['provinces'])} province(s), {len(units['offices'])} offices "
              f"({os.environ.get('DATABASE_URL', 'SQLite').split('@')[-1]})")
        clients = {}
        for key in ("manager", "leader"):
            clients[key] = Client()
            clients[key].force_login(units[key].user)
        phase("1×", units, clients, args.rounds)
        return
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    units = build_org(scale)
    software = seed_software()
    today = timezone.localdate()
    start = dt.date(today.year if today.month >= 10 else today.year - 1, 10, 1)  # the working year so far
    officers = add_officers(units, units["per_office"], "a")
    rows = fill_rows(officers, software, start, today, seed=1)
    print(f"SCALE={scale}: {len(units['provinces'])} province(s), {len(units['offices'])} offices, "
          f"{len(officers)} officers, {rows:,} rows in {time.perf_counter() - started:.1f} s "
          f"({os.environ.get('DATABASE_URL', 'SQLite').split('@')[-1]})")
    clients = {}
    for key in ("manager", "leader"):
        clients[key] = Client()
        clients[key].force_login(units[key].user)
    small = phase("1×", units, clients, args.rounds)
    if os.environ.get("SKIP_GROWTH"):
        return
    started = time.perf_counter()
    grown = add_officers(units, units["per_office"] * 9, "b")
    rows = fill_rows(grown, software, start, today, seed=2)
    from analytics.services.scores import score_state_touch

    score_state_touch()  # rows written as a fill and score run would: the cached figures are out of date
    print(f"grown tenfold: {len(officers) + len(grown)} officers, +{rows:,} rows in {time.perf_counter() - started:.1f} s")
    large = phase("10×", units, clients, args.rounds)
    print("summary (goal: page ≤ 2× the raw count-table SQL; queries flat):")
    for label in small:
        cold_1, warm_1, raw_1, _e1, cq_1, wq_1 = small[label]
        cold_10, warm_10, raw_10, _e10, cq_10, wq_10 = large[label]
        print(f"  {label:31} cold page/raw {cold_1 / raw_1:5.2f}× → {cold_10 / raw_10:5.2f}×, warm"
              f" {warm_1 / raw_1:5.2f}× → {warm_10 / raw_10:5.2f}× · queries cold {cq_1} → {cq_10}, warm {wq_1} → {wq_10}"
              f" ({'flat' if (cq_1, wq_1) == (cq_10, wq_10) else 'NOT flat'})"
              f" · cold page time 10×/1× {cold_10 / cold_1:4.2f}")


if __name__ == "__main__":
    main()
