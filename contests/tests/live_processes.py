"""Real server processes for live-final tests and the live bench: a throw-away SQLite database
(or the one DATABASE_URL names, for the bench), a live final seeded with N joined contestants who
have ready sign-in sessions, daphne processes on given ports, and small WebSocket clients.

    python -m contests.tests.live_processes seed --players 3     # run by LiveServers.seed, prints JSON
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = str(Path(sys.executable).parent / "daphne")


def free_port() -> int:
    """A loopback port nothing listens on now (the system picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is not "in use"
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class LiveServers:
    """Daphne processes sharing one database (and, with `redis_url`, one Redis channel layer)."""

    def __init__(self, *, redis_url: str = "", keep_database_url: bool = False, tmp: Path | None = None) -> None:
        self.tmp = tmp or Path(tempfile.mkdtemp(prefix="thads-live-"))
        env = dict(os.environ)
        if not keep_database_url:
            env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.update({"THADS_VAR_DIR": str(self.tmp), "SQLITE_PATH": str(self.tmp / "live.sqlite3"), "DEBUG": "false",
                    "ALLOWED_HOSTS": "127.0.0.1,localhost", "THADS_REQUIRE_MFA": "false",
                    "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "ERROR",
                    "PYTHONPATH": str(ROOT)})
        self.env = env
        self.servers: dict[int, subprocess.Popen] = {}
        atexit.register(self.stop)  # no server outlives the test or bench that started it

    def migrate(self) -> None:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=self.env,
                       check=True)

    def seed(self, *, players: int, read_seconds: int = 0, answer_seconds: int = 20,
             joined: bool = True) -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-m", "contests.tests.live_processes", "seed", "--players", str(players),
                              "--read", str(read_seconds), "--answer", str(answer_seconds),
                              *([] if joined else ["--not-joined"])],
                             cwd=ROOT, env=self.env, check=True, capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def manage(self, code: str) -> str:
        """Run Python `code` with Django set up against the servers' database; returns its output."""
        out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env, check=True,
                             capture_output=True, text=True)
        return out.stdout

    def start(self, port: int) -> None:
        log = (self.tmp / f"daphne-{port}.log").open("a")
        self.servers[port] = subprocess.Popen([DAPHNE, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                                              cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.servers[port].poll() is not None:
                raise RuntimeError(f"daphne on {port} stopped: {(self.tmp / f'daphne-{port}.log').read_text()[-2000:]}")
            try:
                # Plain HTTP: the caller may already run an event loop (Playwright's sync API does).
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:  # not up yet
                time.sleep(0.3)
        raise RuntimeError(f"daphne on {port} did not answer /healthz")

    def kill(self, port: int) -> None:
        """Kill the process at once (SIGKILL), as a crash would."""
        server = self.servers.pop(port)
        server.kill()
        server.wait(timeout=10)

    def stop(self) -> None:
        for port in list(self.servers):
            server = self.servers.pop(port)
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


# ---------------------------------------------------------------- clients

def _connect(port: int, path: str, cookie: str | None = None):  # noqa: ANN202
    from websockets.asyncio.client import connect

    headers = [("Cookie", f"sessionid={cookie}")] if cookie else []
    return connect(f"ws://127.0.0.1:{port}{path}", origin=f"http://127.0.0.1:{port}", additional_headers=headers,
                   open_timeout=20, ping_interval=None, max_size=2 ** 22)


async def ping(port: int) -> None:
    async with _connect(port, "/ws/health/") as socket_:
        await socket_.send("ping")
        assert await asyncio.wait_for(socket_.recv(), 5) == "pong"


class Client:
    """One socket (host or player) that keeps every message it receives."""

    def __init__(self, port: int, path: str, cookie: str) -> None:
        self.port, self.path, self.cookie = port, path, cookie
        self.messages: list[tuple[float, dict]] = []
        self.socket = None
        self._reader: asyncio.Task | None = None
        self._arrived = asyncio.Event()
        self.closed = False

    async def open(self) -> Client:
        self.socket = await _connect(self.port, self.path, self.cookie)
        self.closed = False
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self.messages.append((time.perf_counter(), json.loads(raw)))
                self._arrived.set()
        except Exception:  # noqa: BLE001 - a dropped connection ends the reader
            pass
        self.closed = True
        self._arrived.set()

    async def send(self, data: dict) -> None:
        await self.socket.send(json.dumps(data))

    async def wait_for(self, kind: str, *, timeout: float = 10, after: int = 0, **match: Any) -> dict:  # noqa: ANN401
        """The first message of type `kind` (matching `match`) among those received from index `after`."""
        deadline = time.monotonic() + timeout
        while True:
            for _at, message in self.messages[after:]:
                if message.get("type") == kind and all(message.get(k) == v for k, v in match.items()):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise AssertionError(f"no {kind} {match} on {self.path} (port {self.port}); got "
                                     f"{[m.get('type') for _t, m in self.messages]}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=min(left, 0.5))
            except asyncio.TimeoutError:
                pass

    async def wait_for_any(self, kinds: tuple[str, ...], *, timeout: float = 10, after: int = 0) -> dict:
        """The first message whose type is one of `kinds`, from index `after`."""
        deadline = time.monotonic() + timeout
        while True:
            for _at, message in self.messages[after:]:
                if message.get("type") in kinds:
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise AssertionError(f"none of {kinds} on {self.path} (port {self.port})")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=min(left, 0.5))
            except asyncio.TimeoutError:
                pass

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            await self._reader


# ---------------------------------------------------------------- seeding (runs in its own process)

def seed(*, players: int, read_seconds: int, answer_seconds: int, joined: bool = True) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from contests.models import Registration, RegistrationKind
    from contests.models_live import LiveParticipant
    from contests.services.live import live_session_open
    from contests.tests.live_factories import live_round
    from core.models import User
    from core.roles import Role
    from org import services as org_services
    from org.models import Officer, Position, UnitKind

    kind, _ = UnitKind.objects.get_or_create(code="live-branch", defaults={"name": "Chi cục"})
    position, _ = Position.objects.get_or_create(code="live-clerk", defaults={"name": "Thư ký"})
    units = [org_services.unit_create(code=f"LIVE-{n}", name=f"Chi cục thi {n}", kind=kind) for n in range(3)]
    organiser = org_services.officer_create(full_name="Ban Tổ Chức", email="live-host@moj.gov.vn", unit=units[0],
                                            position=position, username="live-host",
                                            roles={Role.OFFICER, Role.CONTEST_ORGANISER})
    User.objects.filter(pk=organiser.user_id).update(must_change_password=False)
    round_ = live_round(organiser=organiser, audience_unit=None,
                        options={"read_seconds": read_seconds, "answer_seconds": answer_seconds})
    users = User.objects.bulk_create([User(username=f"live-{n}", email=f"live-{n}@moj.gov.vn", password="!")
                                      for n in range(players)])
    users = list(User.objects.filter(username__startswith="live-").exclude(username="live-host").order_by("pk"))
    officers = Officer.objects.bulk_create([
        Officer(user=user, email=user.email, full_name=f"Thí sinh {n:04d}", search_name=f"thi sinh {n:04d}",
                unit=units[n % 3], position=position) for n, user in enumerate(users)])
    officers = list(Officer.objects.filter(user__in=users).order_by("user_id"))
    registrations = Registration.objects.bulk_create([
        Registration(contest=round_.contest, kind=RegistrationKind.INDIVIDUAL, officer=officer) for officer in officers])
    registrations = list(Registration.objects.filter(contest=round_.contest).order_by("officer__user_id"))
    session = live_session_open(round_=round_, host=organiser.user)
    now = timezone.now()
    LiveParticipant.objects.bulk_create([] if not joined else [
        LiveParticipant(session=session, officer=officer, registration=registration, unit_id=officer.unit_id,
                        display_name=officer.full_name, joined_at=now)
        for officer, registration in zip(officers, registrations, strict=True)])
    participants = dict(LiveParticipant.objects.filter(session=session).values_list("officer_id", "pk"))

    def cookie_for(user) -> str:  # noqa: ANN001
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    host_cookie = cookie_for(User.objects.get(pk=organiser.user_id))
    expiry = timezone.now() + timedelta(days=1)
    rows, people = [], []
    for officer, user in zip(officers, users, strict=True):
        key = f"live{user.pk:06d}" + os.urandom(12).hex()
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: user.get_session_auth_hash()}
        rows.append(Session(session_key=key, session_data=SessionStore().encode(data), expire_date=expiry))
        people.append({"cookie": key, "participant": participants.get(officer.pk), "name": officer.full_name})
    Session.objects.bulk_create(rows, batch_size=500)
    questions = [{"qtype": q["qtype"], "answers": {a["text"]: a["id"] for a in q["data"].get("answers", [])}}
                 for q in session.questions]
    return {"session": session.pk, "round": round_.pk, "pin": session.pin, "host_cookie": host_cookie, "players": people,
            "questions": questions}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["seed"])
    parser.add_argument("--players", type=int, default=3)
    parser.add_argument("--read", type=int, default=0)
    parser.add_argument("--answer", type=int, default=20)
    parser.add_argument("--not-joined", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(json.dumps(seed(players=args.players, read_seconds=args.read, answer_seconds=args.answer,
                          joined=not args.not_joined)))


if __name__ == "__main__":
    main()
