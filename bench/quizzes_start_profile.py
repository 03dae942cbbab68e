"""Where an exam-hall start spends its time, in process (no server, no network): officers press
"Bắt đầu" on the exam of bench/quizzes_load.py (bench/exam_world.py: 30 questions, 10 fixed, 20 drawn
at random from a category of 60, questions and answers shuffled), each start followed by the first page, then answer saves.

    .venv/bin/python bench/quizzes_start_profile.py [--officers 60] [--top 25]

Prints per request: median time and queries of the bare view, the start (POST), the first page
(the GET it redirects to, or nothing if the start answers with the page), a reload mid-attempt and
an answer save; how long the SQLite writer lock is held per start; then a cProfile of the starts
grouped by part (middleware, principal, rules, draw, inserts, page render…) and the top functions
by own time. Uses a temporary SQLite database unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exam_world import exam_hall_build, prepare_env  # noqa: E402


# Parts of a start, by the functions that do them (cumulative time, so a part includes what it calls).
PARTS = [
    ("whole request (Client.post/get)", "django/test/client.py", "request"),
    ("  session load (SessionMiddleware)", "django/contrib/sessions/backends/cached_db.py", "load"),
    ("  signed-in user (auth middleware)", "django/contrib/auth/middleware.py", "get_user"),
    ("  officer + roles (principal)", "org/selectors.py", "officer_for_user"),
    ("  view: attempt_start", "quizzes/views.py", "attempt_start"),
    ("    visible quiz + unit check", "quizzes/views.py", "_visible_quiz"),
    ("    quiz_is_visible_to_officer", "quizzes/selectors.py", "quiz_is_visible_to_officer"),
    ("    open attempt look-up", "quizzes/services/attempts.py", "_attempt_open_get"),
    ("    rules + draw (_attempt_plan)", "quizzes/services/attempts.py", "_attempt_plan"),
    ("      quiz_rules_for", "quizzes/selectors.py", "quiz_rules_for"),
    ("      draw (_draw_layout)", "quizzes/services/attempts.py", "_draw_layout"),
    ("    inserts (_attempt_insert)", "quizzes/services/attempts.py", "_attempt_insert"),
    ("    audit entry", "core/services.py", "audit_record"),
    ("    panel cache bump", "core/fragments.py", "panel_cache_bump"),
    ("  view: attempt_take (first page)", "quizzes/views.py", "attempt_take"),
    ("    attempt look-up (_own_attempt)", "quizzes/views.py", "_own_attempt"),
    ("    questions shown (presentation)", "quizzes/presentation.py", "for_attempt"),
    ("    template render", "django/shortcuts.py", "render"),
    ("  all SQL executed", "django/db/backends/utils.py", "_execute"),
]


def part_table(stats: pstats.Stats, requests: int) -> list[str]:
    rows = []
    for label, path, name in PARTS:
        total = 0.0
        calls = 0
        for (filename, _line, funcname), (_cc, nc, _tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
            if funcname == name and filename.endswith(path):
                # Count only outermost calls: skip recursion (a caller that is the same function).
                if any(c[2] == name and c[0].endswith(path) for c in callers):
                    continue
                total += ct
                calls += nc
        if calls:
            rows.append(f"{label:<42} {total / requests * 1000:8.2f} ms  ({calls / requests:.1f} calls)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=60)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="thads-profile-"))
    env = prepare_env(tmp, settings_module="bench.settings_fast_hash", allowed_hosts="testserver,127.0.0.1,localhost")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    quiz_id, users = exam_hall_build(args.officers + 2)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    import quizzes.services.attempts as attempts_module

    lock_holds: list[float] = []
    original_one_writer = attempts_module._one_writer

    @contextmanager
    def timed_one_writer():  # noqa: ANN202
        with original_one_writer():
            began = time.perf_counter()
            try:
                yield
            finally:
                lock_holds.append(time.perf_counter() - began)

    start_url = reverse("quizzes:attempt-start", kwargs={"pk": quiz_id})

    def start(client: Client) -> tuple[float, int, float, int, str]:
        """POST start then the page it leads to; times and query counts of both."""
        with CaptureQueriesContext(connection) as q1:
            began = time.perf_counter()
            response = client.post(start_url)
            t1 = time.perf_counter() - began
        location = response.headers.get("Location", "")
        if response.status_code == 200:
            return t1, len(q1), 0.0, 0, response.request["PATH_INFO"]
        assert "/attempts/" in location, (response.status_code, location)
        with CaptureQueriesContext(connection) as q2:
            began = time.perf_counter()
            page = client.get(location)
            t2 = time.perf_counter() - began
        assert page.status_code == 200, page.status_code
        return t1, len(q1), t2, len(q2), location

    def signed_in(user) -> Client:  # noqa: ANN001
        client = Client()
        client.force_login(user)
        client.get("/healthz")
        return client

    # Warm-up: one start (templates compiled, caches filled), then the bare view.
    warm = signed_in(users[-1])
    start(warm)
    bare = []
    for _ in range(200):
        began = time.perf_counter()
        warm.get("/healthz")
        bare.append(time.perf_counter() - began)

    clients = [signed_in(user) for user in users[:args.officers]]
    half = len(clients) // 2
    attempts_module._one_writer = timed_one_writer
    starts, pages, start_q, page_q, locations = [], [], set(), set(), []
    for client in clients[:half]:
        t1, n1, t2, n2, location = start(client)
        starts.append(t1)
        pages.append(t2)
        start_q.add(n1)
        page_q.add(n2)
        locations.append(location)
    profiler = cProfile.Profile()
    profiler.enable()
    for client in clients[half:]:
        t1, n1, t2, n2, location = start(client)
        locations.append(location)
    profiler.disable()
    attempts_module._one_writer = original_one_writer

    # A reload mid-attempt and a second press of "start" (lands in the same attempt).
    reloads, reload_q = [], set()
    for client, location in zip(clients[:half], locations, strict=False):
        with CaptureQueriesContext(connection) as q:
            began = time.perf_counter()
            client.get(location)
            reloads.append(time.perf_counter() - began)
        reload_q.add(len(q))
    again = clients[0].post(start_url)
    same = again.headers.get("Location", again.request["PATH_INFO"]) == locations[0] or again.status_code == 200

    # Answer saves.
    saves, save_q = [], set()
    answer_profiler = cProfile.Profile()
    for round_ in range(4):
        for client, location in zip(clients, locations, strict=False):
            url = location.rstrip("/") + "/answer/"
            with CaptureQueriesContext(connection) as q:
                if round_ == 3:
                    answer_profiler.enable()
                began = time.perf_counter()
                response = client.post(url, {"index": "0", "choice": "true"}, headers={"Accept": "application/json"})
                saves.append(time.perf_counter() - began)
                if round_ == 3:
                    answer_profiler.disable()
            save_q.add(len(q))
            assert response.status_code in (200, 400), response.status_code

    med = statistics.median
    print(f"database: {connection.vendor}; officers started: {len(locations)}; quiz: 30 questions "
          "(10 fixed, 20 random from 60), questions and answers shuffled")
    print(f"bare view /healthz          {med(bare) * 1000:7.2f} ms  0 queries")
    print(f"start (POST)                {med(starts) * 1000:7.2f} ms  {sorted(start_q)} queries")
    print(f"first page (GET after)      {med(pages) * 1000:7.2f} ms  {sorted(page_q)} queries")
    print(f"start + first page          {med([a + b for a, b in zip(starts, pages, strict=True)]) * 1000:7.2f} ms "
          f"= {med([a + b for a, b in zip(starts, pages, strict=True)]) / med(bare):.1f}x the bare view")
    print(f"reload mid-attempt          {med(reloads) * 1000:7.2f} ms  {sorted(reload_q)} queries")
    print(f"answer save (JSON)          {med(saves) * 1000:7.2f} ms  {sorted(save_q)} queries "
          "(first save of a process reads the attempt's questions once)")
    if lock_holds:
        print(f"SQLite writer lock held per start: median {med(lock_holds) * 1000:.2f} ms, "
              f"max {max(lock_holds) * 1000:.2f} ms")
    print(f"pressing start again lands in the same attempt: {'yes' if same else 'NO'}")
    profiled = len(clients) - half
    print(f"\nprofile of {profiled} starts (start + first page), cumulative ms per start (cProfile adds overhead):")
    stats = pstats.Stats(profiler)
    for row in part_table(stats, profiled):
        print(row)
    print(f"\ntop {args.top} functions by own time over the {profiled} starts:")
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"\nprofile of {len(clients)} answer saves, cumulative ms per save:")
    answer_stats = pstats.Stats(answer_profiler)
    for row in part_table(answer_stats, len(clients)):
        print(row)
    answer_stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
