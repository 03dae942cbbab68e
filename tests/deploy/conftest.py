"""Fixtures for the deployment checks: daphne workers and nginx started from deploy/ as in production."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
EXPECT_SCALE = os.environ.get("THADS_EXPECT_SCALE") == "1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def render_site(**env: str) -> str:
    """The production nginx site, rendered by the shipped script from these values."""
    out = subprocess.run([sys.executable, str(ROOT / "deploy" / "bin" / "render-nginx")], check=True,
                         capture_output=True, text=True, env={**os.environ, **env})
    return out.stdout


def nginx_main_config(folder: Path, site: str) -> Path:
    """A minimal nginx.conf around the site file, with every path inside `folder`."""
    site_path = folder / "thads.conf"
    site_path.write_text(site, encoding="utf-8")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {folder}/client_body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"  include {site_path};\n}}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def nginx_binary() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        if EXPECT_SCALE:
            pytest.fail("nginx is not installed: .ci/run installs Debian's nginx for the PostgreSQL + Redis pass")
        pytest.skip("nginx is not installed (the PostgreSQL + Redis pass of .ci/run installs it)")
    return binary
