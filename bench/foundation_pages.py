"""Foundation pages under load: the officer home page and the officer list, against a bare view.

Run:  .venv/bin/python bench/foundation_pages.py [--seconds 2] [--rounds 5] [--org-only]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/thads_bench .venv/bin/python bench/foundation_pages.py

What it does, in a temporary folder of its own (or in the PostgreSQL database named by DATABASE_URL,
which should be empty or hold only an earlier run of this script):
1. migrates and loads the demo (`demo_seed`: Kiên Giang 2021, about 300 officers);
2. starts daphne on a free loopback port (DEBUG off, static files served by WhiteNoise's finders);
3. signs in through the real sign-in form as `canbo` (officer) and `lanhdao` (provincial leader,
   who sees every officer);
4. measures requests per second of /healthz (a bare Django view: the baseline), the home page as the
   officer and the officer list as the leader, in alternating rounds, keeping each target's median;
5. grows the staff to 3,000 officers (bulk inserts) and measures the list and the baseline again;
6. prints the ratios against the goals and the SQL queries each page makes (counted in-process).
The home page is measured in its steady state for one officer who comes back to it: each client
requests it once before the clock starts, so its panels come from the per-officer panel cache
(core.fragments) except when an entry expires (THADS_PANEL_CACHE_SECONDS). What a first visit (a miss)
costs is printed too, in-process, beside the same request with every panel cached.
Figures are ratios taken in the same run on the same server, so a busy machine shifts them less
than absolute numbers. Nothing here is an assertion: it reports.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_server import Server, configure_environment  # noqa: E402 (analytics and learning benches use it from here)

DEMO_PASSWORD = "Thads@2026demo"
GOAL_HOME_VS_BARE = 0.5
GOAL_LIST_GROWTH = 1.5
TARGET_OFFICERS = 3000


def prepare_database(*, org_only: bool) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if org_only:
        from core.management.commands.demo_seed import DEMO_SEED
        from org import demo

        demo.seed(rng=random.Random(f"{DEMO_SEED}-org"))
    else:
        call_command("demo_seed", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.1f} s")


def grow_officers(total: int) -> int:
    """Add officers (accounts without a usable password) until there are `total`; bulk inserts."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from core.models import User
    from core.roles import Role
    from core.text import fold
    from org import demo
    from org.models import ITLevel, Officer, Position, Unit

    missing = total - Officer.objects.count()
    if missing <= 0:
        return Officer.objects.count()
    rng = random.Random(f"bench-{total}")
    units = list(Unit.objects.exclude(code="KG"))
    positions = list(Position.objects.exclude(code="head"))
    taken = set(Officer.objects.values_list("email", flat=True))
    unusable = make_password(None)
    people = []
    for index in range(missing):
        unit = units[index % len(units)]
        full_name = demo._person(rng)
        people.append((full_name, demo._email(full_name, unit.code + "-b", taken), unit))
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=email, email=email, password=unusable, last_name=" ".join(name.split()[:-1]),
                  first_name=name.split()[-1]) for name, email, _ in people], batch_size=500)
        if not all(user.pk for user in users):  # back-ends that do not return ids from bulk inserts
            by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
            for user in users:
                user.pk = by_name[user.username]
        Officer.objects.bulk_create(
            [Officer(user=user, email=email, full_name=name, unit=unit, position=positions[i % len(positions)],
                     it_level=rng.choice(ITLevel.values), search_name=fold(name))
             for i, (user, (name, email, unit)) in enumerate(zip(users, people))], batch_size=500)
        group, _ = Group.objects.get_or_create(name=Role.OFFICER)
        membership = User.groups.through
        membership.objects.bulk_create([membership(user_id=user.pk, group_id=group.pk) for user in users],
                                       batch_size=500)
    return Officer.objects.count()


def count_queries(username: str, path: str) -> int:
    """SQL queries of one request for `path` as `username`, counted in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.models import User

    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    client.get(path)  # warm caches that live for the process, as on the server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} as {username or 'anonymous'} answered {response.status_code}")
    return len(queries)


def panel_costs(username: str, repeat: int = 20) -> dict[str, tuple[float, int]]:
    """Milliseconds and queries of each home-page panel's context for `username`, in-process."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from core.models import User
    from core.ui import registry

    costs = {}
    for panel in registry.panels:
        user = User.objects.get(username=username)
        request = RequestFactory().get("/")
        request.user, request.session, request.htmx = user, SessionStore(), False
        panel.context(request)  # per-user caches, as on a real request
        with CaptureQueriesContext(connection) as queries:
            panel.context(request)
        started = time.perf_counter()
        for _ in range(repeat):
            panel.context(request)
        costs[panel.key] = (1000 * (time.perf_counter() - started) / repeat, len(queries))
    return costs


def home_hit_and_miss(username: str, repeat: int = 50) -> dict[str, float]:
    """In-process milliseconds of /healthz, the home page with its panels cached, and the home page
    with the panel cache emptied before each request (every panel rendered from the database)."""
    from django.test import Client

    from core.fragments import panel_cache_reset
    from core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get("/")
    timings = {}
    for name, path, before in (("bare view", "/healthz", None), ("home, panels cached", "/", None),
                               ("home, every panel a miss", "/", panel_cache_reset)):
        elapsed = 0.0
        for _ in range(repeat):
            if before:
                before()
            started = time.perf_counter()
            client.get(path)
            elapsed += time.perf_counter() - started
        timings[name] = 1000 * elapsed / repeat
    return timings


def signed_in_cookies(base: str, username: str) -> dict[str, str]:
    """Sign in through the real form (CSRF included); return the session cookies."""
    import httpx

    with httpx.Client(base_url=base, follow_redirects=False, timeout=20) as client:
        client.get("/accounts/login/")
        token = client.cookies.get("csrftoken")
        response = client.post("/accounts/login/", data={
            "login": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": base + "/accounts/login/"})
        if response.status_code != 302 or "sessionid" not in client.cookies:
            raise SystemExit(f"sign-in as {username} failed: {response.status_code}")
        return dict(client.cookies)


def requests_per_second(base: str, path: str, cookies: dict[str, str], *, seconds: float, workers: int) -> float:
    """Completed 200 responses per second with `workers` keep-alive clients for `seconds`."""
    import httpx

    done = [0] * workers
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds

    def work(slot: int) -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
            client.get(path)  # connection and warm-up
            while time.perf_counter() < stop_at:
                response = client.get(path)
                if response.status_code != 200:
                    errors.append(f"{path}: {response.status_code}")
                    return
                done[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(done) / (time.perf_counter() - started)


def measure(base: str, targets: dict[str, tuple[str, dict]], *, rounds: int, seconds: float,
            workers: int) -> dict[str, float]:
    """Alternate the targets round by round (so background load hits all alike); median per target."""
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (path, cookies) in targets.items():
            samples[name].append(requests_per_second(base, path, cookies, seconds=seconds, workers=workers))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; the median is kept")
    parser.add_argument("--workers", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--org-only", action="store_true", help="seed only the organisation, not every app")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="thads-bench-") as tmp:
        workdir = Path(tmp)
        env = configure_environment(workdir)
        import django

        django.setup()
        from django.db import connection

        from org.models import Officer

        prepare_database(org_only=args.org_only)
        print(f"database: {connection.vendor}; officers: {Officer.objects.count()}")
        connection.close()
        server = Server(env, workdir)
        try:
            server.wait()
            officer = signed_in_cookies(server.base, "canbo")
            leader = signed_in_cookies(server.base, "lanhdao")
            pages = {"bare view /healthz": ("/healthz", {}), "home as officer": ("/", officer),
                     "officer list as leader": ("/org/officers/", leader)}
            small_count = Officer.objects.count()
            small = measure(server.base, pages, rounds=args.rounds, seconds=args.seconds, workers=args.workers)
            panels = panel_costs("canbo")
            hit_miss = home_hit_and_miss("canbo")
            queries_small = {"home as officer": count_queries("canbo", "/"),
                             "officer list as leader": count_queries("lanhdao", "/org/officers/")}
            large_count = grow_officers(TARGET_OFFICERS)
            connection.close()
            large_pages = {name: pages[name] for name in ("bare view /healthz", "officer list as leader")}
            large = measure(server.base, large_pages, rounds=args.rounds, seconds=args.seconds,
                            workers=args.workers)
            queries_large = {"officer list as leader": count_queries("lanhdao", "/org/officers/")}
        finally:
            server.stop()

    print()
    print(f"{'page':<26}{'officers':>9}{'req/s':>9}{'ms/req':>9}{'queries':>9}")
    for count, figures, queries in ((small_count, small, queries_small), (large_count, large, queries_large)):
        for name, rate in figures.items():
            query_text = str(queries.get(name, "-")) if name in queries else "0"
            print(f"{name:<26}{count:>9}{rate:>9.1f}{1000 * args.workers / rate:>9.1f}{query_text:>9}")
    home_ratio = small["home as officer"] / small["bare view /healthz"]
    # Time per list request, each normalised by the bare view of its own phase (cancels drift in load).
    list_small = small["bare view /healthz"] / small["officer list as leader"]
    list_large = large["bare view /healthz"] / large["officer list as leader"]
    growth = list_large / list_small
    raw_growth = small["officer list as leader"] / large["officer list as leader"]
    print()
    print(f"home / bare view (rps ratio): {home_ratio:.2f}   goal >= {GOAL_HOME_VS_BARE}"
          f"   {'met' if home_ratio >= GOAL_HOME_VS_BARE else 'NOT met'}")
    print(f"officer list time at {large_count} / at {small_count}: {growth:.2f} (normalised by the bare view),"
          f" {raw_growth:.2f} raw   goal <= {GOAL_LIST_GROWTH}"
          f"   {'met' if growth <= GOAL_LIST_GROWTH else 'NOT met'}")
    print("home panels for the officer (context only, in-process): " + ", ".join(
        f"{key} {ms:.1f} ms/{count} q" for key, (ms, count) in panels.items()))
    print("in-process ms per request: " + ", ".join(f"{name} {ms:.1f}" for name, ms in hit_miss.items()))
    print(f"queries: home {queries_small['home as officer']}, officer list {queries_small['officer list as leader']}"
          f" at {small_count} officers and {queries_large['officer list as leader']} at {large_count}")


if __name__ == "__main__":
    main()
