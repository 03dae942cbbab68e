""""Khóa học của tôi" and the manager's course report as enrollments grow tenfold (about 3,000 → 30,000).

Run:  .venv/bin/python bench/learning_pages.py [--rounds 15]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/thads_bench_learning .venv/bin/python bench/learning_pages.py

In a temporary folder (or the PostgreSQL database named by DATABASE_URL, which should be empty):
1. migrates and loads the organisation demo (about 300 officers) and ten published courses;
2. enrolls every officer in every course (bulk inserts; a mix of not started, in progress, completed
   and overdue): about 3,000 enrollments; bulk inserts bypass the services, so the report's count table is
   rebuilt with `refresh_learning_counts` (timed) and the report is checked against a direct count;
3. measures, in-process with Django's test client, the median time of /healthz (a bare view: the
   baseline), "Khóa học của tôi" as `canbo`, the course report as `quanly` (unit manager) and as
   `lanhdao` (provincial leader), and counts their SQL queries;
4. grows the staff to 3,000 officers and their enrollments to about 30,000, and measures again.
Each page's time is divided by the bare view's time of the same phase, so background load cancels out;
goal: large / small ≤ 1.5 and the same query count. It reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_GROWTH = 1.5
COURSES = 10


def _foundation():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("foundation_pages", ROOT / "bench" / "foundation_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_courses() -> list:
    from learning import services
    from learning.models import Course, Lesson

    courses = []
    for index in range(COURSES):
        course = Course.objects.filter(code=f"B{index:02d}").first()
        if course is None:
            course = services.course_create(by=None, code=f"B{index:02d}", title=f"Khóa học đo hiệu năng {index}",
                                            category=Course.Category.E_OFFICE)
            module = services.module_save(course=course, title="Phần 1")
            for number in range(4):
                services.lesson_save(module=module, title=f"Bài {number + 1}", kind=Lesson.Kind.TEXT, body="Nội dung")
            services.course_publish(course=course)
        courses.append(course)
    return courses


def enroll_everyone(courses: list) -> int:
    """Bulk-enroll every officer not yet enrolled in each course, with a deterministic mix of states."""
    from django.db import transaction
    from django.utils import timezone

    from learning.models import Enrollment
    from org.models import Officer

    rng = random.Random(7)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        for course in courses:
            have = set(Enrollment.objects.filter(course=course).values_list("officer_id", flat=True))
            rows = []
            for officer_id in Officer.objects.exclude(pk__in=have).values_list("pk", flat=True):
                roll = rng.random()
                started = now - dt.timedelta(days=5) if roll > 0.3 else None
                completed = now - dt.timedelta(days=1) if roll > 0.7 else None
                rows.append(Enrollment(
                    course=course, officer_id=officer_id, source=Enrollment.Source.ASSIGNED,
                    due_date=today + dt.timedelta(days=rng.randint(-10, 20)), started_at=started,
                    completed_at=completed, progress_percent=100 if completed else (50 if started else 0),
                ))
            Enrollment.objects.bulk_create(rows, batch_size=1000)
    return Enrollment.objects.count()


def refresh_counts() -> float:
    """Bulk inserts go around the services: rebuild the report's count table as an import would. Seconds."""
    from learning.services import enrollment_counts_refresh

    started = time.perf_counter()
    enrollment_counts_refresh()
    return time.perf_counter() - started


def check_report_exact() -> None:
    """The figures the report shows equal a direct count of the enrollments, for each reader."""
    from core.models import User
    from learning import selectors

    for username in ("quanly", "lanhdao"):
        user = User.objects.get(username=username)
        if selectors.report_funnel(user=user) != selectors.report_funnel_direct(user=user):
            raise SystemExit(f"report figures for {username} differ from a direct count")


QUERY_COUNT = [0]


def _count_query(execute, sql, params, many, context):  # noqa: ANN001, ANN202
    QUERY_COUNT[0] += 1
    return execute(sql, params, many, context)


def _install_counter() -> None:
    """Count queries on every connection (requests may run on a context-local connection of their own)."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    def attach(sender, connection, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if _count_query not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_query)

    connection_created.connect(attach, weak=False)
    for connection in connections.all():
        if _count_query not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_query)


def measure(client, path: str, rounds: int) -> tuple[float, int]:  # noqa: ANN001
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    before = QUERY_COUNT[0]
    client.get(path)
    queries = QUERY_COUNT[0] - before
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times), queries


def phase(clients: dict, rounds: int) -> dict[str, tuple[float, int]]:
    from django.test import Client

    # The bare view takes a fraction of a millisecond, so a few rounds of it are mostly noise: measure it with
    # many rounds, before and after the pages, and keep the mean of the two medians.
    bare_rounds = max(rounds * 20, 300)
    before = measure(Client(), "/healthz", bare_rounds)
    results = {"my-courses": measure(clients["canbo"], "/learning/", rounds)}
    results["report-manager"] = measure(clients["quanly"], "/learning/reports/", rounds)
    results["report-leader"] = measure(clients["lanhdao"], "/learning/reports/", rounds)
    after = measure(Client(), "/healthz", bare_rounds)
    results["bare"] = ((before[0] + after[0]) / 2, after[1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    foundation = _foundation()
    workdir = Path(tempfile.mkdtemp(prefix="thads-bench-learning-"))
    foundation.configure_environment(workdir)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    # In-process requests: keep one connection so that queries can be counted across requests.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _install_counter()
    from core.models import User

    foundation.prepare_database(org_only=True)
    courses = seed_courses()
    small = enroll_everyone(courses)
    refresh_small = refresh_counts()
    check_report_exact()
    clients = {}
    for username in ("canbo", "quanly", "lanhdao"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    first = phase(clients, args.rounds)
    foundation.grow_officers(foundation.TARGET_OFFICERS)
    large = enroll_everyone(courses)
    refresh_large = refresh_counts()
    check_report_exact()
    second = phase(clients, args.rounds)

    print(f"\nenrollments: {small:,} → {large:,} ({large / small:.1f}×)")
    print(f"{'page':<16}{'ms small':>10}{'ms large':>10}{'q small':>9}{'q large':>9}{'growth (normalised)':>22}"
          f"{'raw':>7}")
    for key in ("bare", "my-courses", "report-manager", "report-leader"):
        (t1, q1), (t2, q2) = first[key], second[key]
        norm = (t2 / second["bare"][0]) / (t1 / first["bare"][0]) if key != "bare" else t2 / t1
        verdict = "" if key == "bare" else ("  met" if norm <= GOAL_GROWTH and q1 == q2 else "  NOT met")
        print(f"{key:<16}{t1 * 1000:>10.2f}{t2 * 1000:>10.2f}{q1:>9}{q2:>9}{norm:>20.2f}{t2 / t1:>9.2f}{verdict}")
    from learning.models import EnrollmentCount

    print(f"count table: {EnrollmentCount.objects.count():,} rows; refresh_learning_counts took "
          f"{refresh_small * 1000:.0f} ms (small) and {refresh_large * 1000:.0f} ms (large); report figures equal "
          "a direct count at both sizes")
    print(f"goal: time growth ≤ {GOAL_GROWTH} (normalised by the bare view) and query counts unchanged")


if __name__ == "__main__":
    main()
