"""What the bench scripts that run the site share: a free loopback port, the environment of a
throw-away site kept in a folder of its own, and daphne serving it until `stop()`."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_environment(workdir: Path, **extra: str) -> dict[str, str]:
    """Environment shared by this process and the server: settings come only from variables
    (DEBUG off, static files by WhiteNoise's finders, no two-step sign-in); `extra` adds or replaces
    variables (e.g. TRUSTED_PROXIES, DJANGO_SETTINGS_MODULE)."""
    env = {
        "THADS_VAR_DIR": str(workdir),
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "WHITENOISE_USE_FINDERS": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "THADS_REQUIRE_MFA": "0",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return {**os.environ}


class Server:
    """daphne on a free loopback port serving `config.asgi`, its output in `workdir/<name>.log`."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str = "daphne"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"{name}.log", "w")  # noqa: SIM115
        daphne = Path(sys.executable).with_name("daphne")
        self.process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(self.port), "--verbosity", "0", "config.asgi:application"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait(self) -> None:
        """Until /healthz answers (at most 60 s)."""
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"daphne stopped; see {self.log.name}")
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise SystemExit("daphne did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
