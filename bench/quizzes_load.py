"""Load test of an exam hall: N simulated officers have the quiz page open (untimed; --cold skips it),
then start the same timed exam within 10 seconds of a signal (30 questions, 20 of them drawn at
random, questions and answers shuffled per officer), each reads the first
page, then everyone keeps answering (each officer reloads the page once meanwhile); the same number of
clients then hit a bare Django view (core:healthz) on the same server. Prints start + first page p95,
the quiz page p95 (first render, reload mid-attempt) and answer-save requests per second and p95 latency
against the bare view, and checks that every acknowledged answer is stored (sum of
AttemptAnswer.revision) and that no request got a 5xx.

    .venv/bin/python bench/quizzes_load.py [--officers 300] [--duration 180] [--cold]

Uses a temporary SQLite database unless DATABASE_URL is set (then that database is migrated and used);
with REDIS_URL the cache (sessions, principals, attempts' questions) is Redis, as in the scale set-up.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exam_world import exam_hall_build, prepare_env  # noqa: E402
from bench.local_server import free_port  # noqa: E402


def build_world(officers: int) -> tuple[int, list[dict[str, str]]]:
    """The exam (bench/exam_world.py) and its officers, each with a ready session."""
    quiz_id, users = exam_hall_build(officers)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    people = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append({"session": session.session_key, "csrf": secrets.token_hex(16)})
    return quiz_id, people


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def choices_on_page(html: str) -> dict[int, list[str]]:
    """What each question of the attempt page offers to choose (its index → the choice values), read
    from the page as the officer sees it: questions and answers are shuffled per officer."""
    offered = {}
    for chunk in html.split('data-index="')[1:]:
        index = int(chunk.split('"', 1)[0])
        offered[index] = re.findall(r'name="choice" value="([^"]+)"', chunk.split("</form>", 1)[0])
    return offered


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.start_latencies: list[float] = []
        self.start_posts: list[float] = []
        self.first_pages: list[float] = []
        self.reloads: list[float] = []
        self.acks = 0
        self.refused = 0
        self.errors_5xx = 0
        self.failures = 0
        self.timeouts = 0
        self.error_kinds: Counter[str] = Counter()
        self.started = 0
        self.start_cpu = 0.0

    def no_response(self, exc: Exception) -> None:
        """A request that ended at the client without a response, counted by kind (timeout, refused, reset)."""
        self.timeouts += 1
        self.error_kinds[type(exc).__name__] += 1


async def officer_session(base: str, quiz_id: int, person: dict[str, str], start_delay: float,
                          stop: dict[str, float], tally: Tally, answer_window: asyncio.Event,
                          ready: list[int], go: asyncio.Event, cold: bool) -> int | None:
    import httpx

    cookies = {"sessionid": person["session"], "csrftoken": person["csrf"]}
    headers = {"X-CSRFToken": person["csrf"]}
    async with httpx.AsyncClient(base_url=base, cookies=cookies, headers=headers, timeout=180) as client:
        if not cold:  # in the hall, everyone has the quiz page open before the signal (untimed)
            try:
                await client.get(f"/quizzes/{quiz_id}/")
            except httpx.HTTPError as exc:
                tally.error_kinds[f"quiz page {type(exc).__name__}"] += 1
        ready.append(1)
        await go.wait()
        await asyncio.sleep(start_delay)
        began = time.perf_counter()
        try:
            response = await client.post(f"/quizzes/{quiz_id}/start/")
            posted = time.perf_counter()
            location = response.headers.get("location", "")
            page = await client.get(location) if "/attempts/" in location else response
        except httpx.HTTPError as exc:
            tally.failures += 1
            tally.error_kinds[f"start {type(exc).__name__}"] += 1
            return None
        done = time.perf_counter()
        tally.start_latencies.append(done - began)
        tally.start_posts.append(posted - began)
        tally.first_pages.append(done - posted)
        if response.status_code >= 500 or page.status_code >= 500:
            tally.errors_5xx += 1
        if "/attempts/" not in location:
            tally.failures += 1
            return None
        attempt_id = int(location.rstrip("/").split("/")[-1])
        offered = {index: values for index, values in choices_on_page(page.text).items() if values}
        indexes = sorted(offered)
        if not indexes:
            tally.failures += 1
            tally.error_kinds["first page without questions"] += 1
            return None
        tally.started += 1
        await answer_window.wait()
        rng = random.Random(person["session"])
        reload_after = rng.randint(3, 30)  # each officer reloads the page once while everyone answers
        index = 0
        while time.monotonic() < stop["at"]:
            if index == reload_after:
                reload_after = -1
                began = time.perf_counter()
                try:
                    again = await client.get(location)
                except httpx.HTTPError as exc:
                    tally.no_response(exc)
                    continue
                tally.reloads.append(time.perf_counter() - began)
                if again.status_code >= 500:
                    tally.errors_5xx += 1
            question = indexes[index % len(indexes)]
            data = {"index": str(question), "choice": rng.choice(offered[question])}
            began = time.perf_counter()
            try:
                answer = await client.post(f"/quizzes/attempts/{attempt_id}/answer/", data=data,
                                           headers={"Accept": "application/json"})
            except httpx.HTTPError as exc:
                tally.no_response(exc)
                continue
            tally.latencies.append(time.perf_counter() - began)
            if answer.status_code >= 500:
                tally.errors_5xx += 1
            elif answer.status_code == 200 and answer.json().get("ok"):
                tally.acks += 1
            else:
                tally.refused += 1
            index += 1
        return attempt_id


async def bare_client(base: str, stop: dict[str, float], tally: Tally, warm: list[int],
                      window: asyncio.Event) -> None:
    """Like an officer: one untimed request opens the connection (warm-up, as starting the attempt does
    for the answer run), then timed requests from when every client is connected until the stop time."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=180) as client:
        try:
            await client.get("/healthz")
        except httpx.HTTPError as exc:
            tally.error_kinds[f"warm-up {type(exc).__name__}"] += 1
        warm.append(1)
        await window.wait()
        while time.monotonic() < stop["at"]:
            began = time.perf_counter()
            try:
                response = await client.get("/healthz")
            except httpx.HTTPError as exc:
                tally.no_response(exc)
                continue
            tally.latencies.append(time.perf_counter() - began)
            if response.status_code >= 500:
                tally.errors_5xx += 1
            else:
                tally.acks += 1


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to report the server's own cost per request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_load(base: str, quiz_id: int, people: list[dict[str, str]], duration: float,
                   server_pid: int, cold: bool) -> tuple[Tally, Tally, float, list[int | None], float, float, float, float]:
    tally = Tally()
    window = asyncio.Event()
    stop = {"at": float("inf")}
    ready: list[int] = []
    go = asyncio.Event()
    tasks = [asyncio.create_task(officer_session(base, quiz_id, person, random.uniform(0, 10), stop, tally, window,
                                                 ready, go, cold))
             for person in people]
    while len(ready) < len(people):
        await asyncio.sleep(0.1)
    # Everyone starts within 10 seconds of the signal; answering begins when all have their attempt.
    go.set()
    began, start_cpu = time.monotonic(), cpu_seconds(server_pid)
    while tally.started + tally.failures < len(people) and time.monotonic() - began < 300:
        await asyncio.sleep(0.2)
    start_span = time.monotonic() - began
    tally.start_cpu = cpu_seconds(server_pid) - start_cpu
    stop["at"] = time.monotonic() + duration
    answer_started, answer_cpu = time.monotonic(), cpu_seconds(server_pid)
    window.set()
    attempt_ids = await asyncio.gather(*tasks)
    answer_elapsed = time.monotonic() - answer_started
    answer_cpu = cpu_seconds(server_pid) - answer_cpu
    # The bare run: same number of clients, same client library and timeout, connections opened
    # before timing starts (as the answer run's were by starting the attempt).
    bare, warm, bare_window, bare_stop = Tally(), [], asyncio.Event(), {"at": float("inf")}
    bare_tasks = [asyncio.create_task(bare_client(base, bare_stop, bare, warm, bare_window)) for _ in people]
    while len(warm) < len(people):
        await asyncio.sleep(0.1)
    bare_stop["at"] = time.monotonic() + duration
    bare_started, bare_cpu = time.monotonic(), cpu_seconds(server_pid)
    bare_window.set()
    await asyncio.gather(*bare_tasks)
    bare_elapsed = time.monotonic() - bare_started
    bare_cpu = cpu_seconds(server_pid) - bare_cpu
    return tally, bare, start_span, attempt_ids, answer_elapsed, bare_elapsed, answer_cpu, bare_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--duration", type=float, default=180.0,
                        help="seconds of answering, several minutes as officers do (and of the bare run)")
    parser.add_argument("--cold", action="store_true",
                        help="officers press start without having opened the quiz page (no session or officer "
                             "cached, a new connection)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="thads-bench-"))
    env = prepare_env(tmp)
    backend = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite (embedded default)"
    backend += ", Redis cache" if env.get("REDIS_URL") else ", in-process cache"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    quiz_id, people = build_world(args.officers)
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port),
                               "config.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=(tmp / "server.log").open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        tally, bare, start_span, attempt_ids, answer_elapsed, bare_elapsed, answer_cpu, bare_cpu = asyncio.run(
            run_load(base, quiz_id, people, args.duration, server.pid, args.cold))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    from django.db.models import Sum

    from quizzes.models import Attempt, AttemptAnswer

    ids = [pk for pk in attempt_ids if pk]
    stored = AttemptAnswer.objects.filter(attempt_id__in=ids).aggregate(n=Sum("revision"))["n"] or 0
    open_attempts = Attempt.objects.filter(pk__in=ids, state=Attempt.State.IN_PROGRESS).count()
    answer_rps = len(tally.latencies) / answer_elapsed
    bare_rps = len(bare.latencies) / bare_elapsed
    print(f"backend: {backend}; server: one daphne process on 127.0.0.1:{port}; officers: {args.officers}; "
          f"{'cold start (quiz page not opened first)' if args.cold else 'quiz page opened before the signal'}")
    print(f"attempts started: {tally.started} in {start_span:.1f} s (start failures: {tally.failures}); "
          f"start + first page p95 {p95(tally.start_latencies) * 1000:.0f} ms")
    print(f"answer saves: {len(tally.latencies)} in {answer_elapsed:.1f} s = {answer_rps:.1f} req/s, "
          f"p50 {statistics.median(tally.latencies) * 1000:.0f} ms, p95 {p95(tally.latencies) * 1000:.0f} ms")
    print(f"bare view (core:healthz), same clients: {len(bare.latencies)} in {bare_elapsed:.1f} s = "
          f"{bare_rps:.1f} req/s, p50 {statistics.median(bare.latencies) * 1000:.0f} ms, "
          f"p95 {p95(bare.latencies) * 1000:.0f} ms")
    print(f"server CPU per start + first page: {tally.start_cpu / max(1, tally.started) * 1000:.1f} ms "
          f"({tally.start_cpu:.1f} s over the {start_span:.1f} s of starts)")
    print(f"server CPU per request: answer save {answer_cpu / max(1, len(tally.latencies)) * 1000:.1f} ms, "
          f"bare view {bare_cpu / max(1, len(bare.latencies)) * 1000:.1f} ms")
    print(f"answer-save throughput / bare view: {answer_rps / bare_rps:.2f}x (goal >= 0.5x)")
    bare_p95 = p95(bare.latencies)
    print(f"start + first page: p50 {statistics.median(tally.start_latencies) * 1000:.0f} ms, "
          f"p95 {p95(tally.start_latencies) * 1000:.0f} ms (start alone p95 {p95(tally.start_posts) * 1000:.0f} ms, "
          f"first page alone p95 {p95(tally.first_pages) * 1000:.0f} ms)")
    print(f"start + first page p95 / bare view p95: {p95(tally.start_latencies) / bare_p95:.2f}x (goal <= 3x)")
    print(f"quiz page p95 / bare view p95: first render {p95(tally.first_pages) / bare_p95:.2f}x "
          f"({p95(tally.first_pages) * 1000:.0f} ms, during the starts), reload mid-attempt "
          f"{p95(tally.reloads) / bare_p95:.2f}x ({p95(tally.reloads) * 1000:.0f} ms, {len(tally.reloads)} reloads "
          "while everyone answers)")
    print(f"acknowledged: {tally.acks}, stored: {stored}, refused: {tally.refused}, "
          f"5xx: {tally.errors_5xx + bare.errors_5xx}, open attempts: {open_attempts}")
    print(f"client errors (no response): answers {tally.timeouts}, bare {bare.timeouts}; "
          f"kinds: {dict(tally.error_kinds + bare.error_kinds) or 'none'}")
    log = (tmp / "server.log").read_text(errors="replace").splitlines()
    errors = [line for line in log if line and not line.startswith((" ", "Traceback")) and "Error" in line]
    if errors:
        print(f"server errors logged: {len(errors)}; last: {errors[-1][:200]}")
    ok = stored == tally.acks and tally.errors_5xx + bare.errors_5xx == 0
    print("CHECK acknowledged == stored and no 5xx:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
