"""Production as shipped: nginx from deploy/ with TLS in front of two daphne workers on PostgreSQL +
Redis. A sign-in, a quiz answer and a WebSocket go through the proxy; the audit log records the
client's own address, not nginx's; an upload over the limit stops at nginx."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.roles import Role
from tests.deploy.conftest import (
    EXPECT_SCALE, ROOT, free_port, nginx_main_config, render_site, self_signed_certificate, stop, wait_for_port,
)

CLIENT_ADDRESS = "127.0.0.5"  # the officer's PC; nginx and the workers are on 127.0.0.1

pytestmark = [
    pytest.mark.scale,
    pytest.mark.skipif(not EXPECT_SCALE, reason="only in the PostgreSQL + Redis pass (THADS_EXPECT_SCALE=1)"),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def site_behind_nginx(transactional_db, nginx_binary, tmp_path):  # noqa: ANN001, ANN201
    """Two workers and nginx; yields (https base URL, worker access logs)."""
    https_port, http_port = free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    worker_ports = [free_port(), free_port()]
    env = {
        **os.environ,
        "THADS_ENV": "production",
        "SECRET_KEY": "deploy-smoke-" + "k" * 50,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": base,
        "THADS_SITE_URL": base,
        "TRUSTED_PROXIES": "127.0.0.1",
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "THADS_UPLOAD_MAX_MB": "1",
        "THADS_VAR_DIR": str(tmp_path / "var"),
    }
    logs = [tmp_path / f"worker-{port}.log" for port in worker_ports]
    workers = [
        subprocess.Popen([str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port),
                          "--access-log", str(log), "config.asgi:application"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"worker-{port}.err", "wb"))
        for port, log in zip(worker_ports, logs)
    ]
    cert, key = self_signed_certificate(tmp_path)
    site = render_site(THADS_WORKERS="2", THADS_WORKER_BASE_PORT=str(worker_ports[0]), SERVER_NAME="127.0.0.1",
                       HTTP_LISTEN=f"127.0.0.1:{http_port}", HTTPS_LISTEN=f"127.0.0.1:{https_port}",
                       TLS_CERT=str(cert), TLS_KEY=str(key), STATIC_ROOT=str(settings.STATIC_ROOT),
                       THADS_UPLOAD_MAX_MB="1", LOG_DIR=str(tmp_path))
    # The template numbers workers from a base port; the test's free ports need not be consecutive.
    site = site.replace(f"server 127.0.0.1:{worker_ports[0] + 1};", f"server 127.0.0.1:{worker_ports[1]};")
    config = nginx_main_config(tmp_path, site)
    nginx = None
    try:
        for port, worker in zip(worker_ports, workers):
            wait_for_port(port, worker, f"daphne worker on {port}")
        subprocess.run([nginx_binary, "-t", "-c", str(config), "-p", str(tmp_path)], check=True, capture_output=True)
        nginx = subprocess.Popen([nginx_binary, "-c", str(config), "-p", str(tmp_path), "-g", "daemon off;"])
        wait_for_port(https_port, nginx, "nginx")
        yield base, logs, http_port
    finally:
        if nginx is not None:
            stop(nginx)
        for worker in workers:
            stop(worker)


def _client(base: str):  # noqa: ANN202
    import httpx

    transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS, verify=False)
    return httpx.Client(base_url=base, transport=transport, timeout=30, follow_redirects=False)


def test_sign_in_answer_and_socket_through_nginx(site_behind_nginx, world):  # noqa: ANN001
    from core.models import AuditEvent
    from quizzes.models import AttemptAnswer
    from quizzes.tests import factories

    base, logs, http_port = site_behind_nginx
    officer = world.officers[Role.OFFICER]
    # The tests' fast hasher is not one the workers accept: store the password as production does.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    type(officer.user).objects.filter(pk=officer.user_id).update(
        password=hasher.encode("Test-password-123", hasher.salt()))
    quiz = factories.quiz(questions=[factories.question("truefalse")], audience=officer.unit)

    with _client(base) as client:
        # Plain HTTP is sent to HTTPS by nginx.
        import httpx

        plain = httpx.get(f"http://127.0.0.1:{http_port}/accounts/login/", follow_redirects=False)
        assert plain.status_code == 301 and plain.headers["location"].startswith(base)

        page = client.get("/accounts/login/")
        assert page.status_code == 200
        token = client.cookies["csrftoken"]
        signed_in = client.post("/accounts/login/", data={"login": officer.user.username, "password": "Test-password-123",
                                                          "csrfmiddlewaretoken": token},
                                headers={"Referer": f"{base}/accounts/login/", "Origin": base})
        assert signed_in.status_code == 302, signed_in.text[-3000:]
        assert client.get("/").status_code == 200

        event = AuditEvent.objects.filter(actor=officer.user, action="login").latest("at")
        assert event.ip == CLIENT_ADDRESS  # the officer's address, not nginx's 127.0.0.1

        started = client.post(f"/quizzes/{quiz.pk}/start/", headers={"X-CSRFToken": client.cookies["csrftoken"],
                                                                     "Origin": base})
        assert started.status_code == 302 and "/attempts/" in started.headers["location"]
        attempt_id = int(started.headers["location"].rstrip("/").split("/")[-1])
        saved = client.post(f"/quizzes/attempts/{attempt_id}/answer/", data={"index": "0", "choice": "true"},
                            headers={"X-CSRFToken": client.cookies["csrftoken"], "Origin": base,
                                     "Accept": "application/json"})
        assert saved.status_code == 200 and saved.json().get("ok") is True
        stored = AttemptAnswer.objects.get(attempt_id=attempt_id, index=0)
        assert stored.revision == 1 and stored.response

        # Static files come from nginx with a year of caching (their names carry a hash).
        static_file = next(Path(settings.STATIC_ROOT).rglob("*.css"))
        static = client.get(f"/static/{static_file.relative_to(settings.STATIC_ROOT).as_posix()}")
        assert static.status_code == 200 and "immutable" in static.headers.get("cache-control", "")

        # A body over the upload limit is refused by nginx before any worker reads it.
        too_big = client.post("/org/import/", content=b"x" * (2 * 1024 * 1024),
                              headers={"Content-Type": "application/octet-stream"})
        assert too_big.status_code == 413

        for _ in range(6):
            assert client.get("/healthz").status_code == 200

    # WebSocket upgrade through nginx to a worker.
    from websockets.sync.client import connect

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with connect(f"wss://127.0.0.1:{base.rsplit(':', 1)[1]}/ws/health/", ssl=context, origin=base,
                 open_timeout=10) as socket_:
        socket_.send("ping")
        assert socket_.recv(timeout=10) == "pong"

    # Both workers served requests (nginx spreads them over the upstream).
    time.sleep(0.5)
    served = [log.read_text(encoding="utf-8").count("\n") if log.exists() else 0 for log in logs]
    assert all(count > 0 for count in served), served
