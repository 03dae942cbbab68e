"""An exam room behind one address: how many of 300 officers sign in within 10 seconds.

Run:  .venv/bin/python bench/signin_one_address.py [--officers 300] [--workers 40] [--typos 30]
      DATABASE_URL=postgres://…/thads_signin REDIS_URL=redis://127.0.0.1:6379/12 \
          .venv/bin/python bench/signin_one_address.py --servers 2

With `--servers N` it starts N daphne processes, as the documented deployment runs N workers behind
nginx, and the clients take them in turn; more than one needs REDIS_URL (the sign-in limits and the
sessions' cache are shared through Redis, as in production). The Redis database named is emptied first.

In a temporary folder of its own (SQLite), it creates the officers' accounts, starts daphne on a free
loopback port with the production sign-in limits (TRUSTED_PROXIES=127.0.0.1, as behind the documented
nginx) and then, with `--workers` concurrent clients, has every officer sign in through the real form
(CSRF included) with `X-Forwarded-For` naming one exam-room address; `--typos` of them first type a
wrong password. Accounts use a fast password hash (bench/settings_fast_hash.py): what is measured is
the sign-in limits, not the hash, which costs the same per officer either way.

It prints "N of 300 succeeded" with the time taken and what the others were answered, and then a
second figure: after one person behind the same proxy (another address) types 10 wrong passwords,
how many of 50 other officers still sign in. The baseline is the same journey's page load
(GET /accounts/login/), timed in the same run. Nothing here is an assertion.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_server import Server, configure_environment  # noqa: E402

PASSWORD = "Bench-password-2026"
ROOM = "203.0.113.10"


def create_accounts(count: int) -> None:
    import django
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.core.cache import cache

    from core.models import User

    cache.clear()  # limits left in a shared Redis by an earlier run would lock these accounts
    User.objects.filter(username__startswith="thisinh").delete()
    hashed = make_password(PASSWORD)
    User.objects.bulk_create([User(username=f"thisinh{n:03d}", email=f"thisinh{n:03d}@moj.gov.vn", password=hashed)
                              for n in range(count + 60)], batch_size=500)


def sign_in(base: str, login: str, password: str, address: str) -> str:
    """One officer through the real form; returns "ok", "locked", "429", "wrong" or "other <status>"."""
    import httpx

    headers = {"X-Forwarded-For": address, "Referer": base + "/accounts/login/"}
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60, headers=headers) as client:
        client.get("/accounts/login/")
        response = client.post("/accounts/login/", data={
            "login": login, "password": password, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")})
    if response.status_code == 302 and "/accounts/login/" not in response.headers.get("location", ""):
        return "ok"
    if response.status_code == 429:
        return "429"
    body = response.text
    if "quá nhiều lần" in body:
        return "locked"
    if "không đúng" in body:
        return "wrong"
    return f"other {response.status_code}"


def exam_room(bases: list[str], *, officers: int, workers: int, typos: int) -> tuple[Counter, float]:
    def one(n: int) -> str:
        base = bases[n % len(bases)]
        login = f"thisinh{n:03d}"
        if n < typos:
            sign_in(base, login, "wrong-password", ROOM)
        return sign_in(base, login, PASSWORD, ROOM)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = Counter(pool.map(one, range(officers)))
    return outcomes, time.perf_counter() - started


def page_load_seconds(base: str, repeat: int = 50) -> float:
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        started = time.perf_counter()
        for _ in range(repeat):
            client.get("/accounts/login/")
    return (time.perf_counter() - started) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=40)
    parser.add_argument("--typos", type=int, default=30)
    parser.add_argument("--servers", type=int, default=1)
    args = parser.parse_args()
    if args.servers > 1 and not os.environ.get("REDIS_URL"):
        raise SystemExit("--servers above 1 needs REDIS_URL: the processes share limits and sessions through it")
    with tempfile.TemporaryDirectory(prefix="thads-signin-") as folder:
        workdir = Path(folder)
        env = configure_environment(workdir, TRUSTED_PROXIES="127.0.0.1",
                                    DJANGO_SETTINGS_MODULE="bench.settings_fast_hash")
        create_accounts(args.officers)
        servers = [Server(env, workdir, name=f"daphne-{n}") for n in range(args.servers)]
        server = servers[0]
        try:
            for each in servers:
                each.wait()
            baseline = page_load_seconds(server.base)
            outcomes, seconds = exam_room([each.base for each in servers], officers=args.officers,
                                          workers=args.workers, typos=args.typos)
            print(f"exam room: {outcomes['ok']} of {args.officers} succeeded in {seconds:.1f} s "
                  f"({args.workers} at a time, {args.typos} typed a wrong password first, "
                  f"{args.servers} server process{'es' if args.servers > 1 else ''}); "
                  f"others: {dict((k, v) for k, v in outcomes.items() if k != 'ok') or 'none'}")
            per_sign_in = seconds * args.workers / max(1, args.officers)
            print(f"time per sign-in under load / sign-in page load alone: {per_sign_in / baseline:.1f} "
                  f"({per_sign_in * 1000:.0f} ms / {baseline * 1000:.1f} ms)")
            time.sleep(0)
            for _attempt in range(10):
                sign_in(server.base, "thisinh000", "wrong-password", "198.51.100.66")
            others = [f"thisinh{n:03d}" for n in range(args.officers, args.officers + 50)]
            lock = threading.Lock()
            after = Counter()

            def other(login: str) -> None:
                outcome = sign_in(server.base, login, PASSWORD, "198.51.100.67")
                with lock:
                    after[outcome] += 1

            with ThreadPoolExecutor(max_workers=10) as pool:
                list(pool.map(other, others))
            print(f"after one person's 10 wrong passwords behind the same proxy: {after['ok']} of 50 other "
                  f"officers succeeded; others: {dict((k, v) for k, v in after.items() if k != 'ok') or 'none'}")
        finally:
            for each in servers:
                each.stop()


if __name__ == "__main__":
    main()
