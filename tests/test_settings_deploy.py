"""Production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Set by the root conftest for the browser tests; a production process never has it.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def production_env(tmp_path: Path, secret_key: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in TEST_ONLY_VARIABLES}
    env.update({
        "THADS_ENV": "production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "thads.example.vn",
        "THADS_SITE_URL": "https://thads.example.vn",
        "DEBUG": "",
        "THADS_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    })
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):  # noqa: ANN001
    result = check_deploy(production_env(tmp_path, secrets.token_urlsafe(64)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_short_secret_key_is_reported(tmp_path):  # noqa: ANN001
    """The check above can fail: the same command flags a weak key."""
    result = check_deploy(production_env(tmp_path, "short"))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_without_site_address_refuses_to_start(tmp_path):  # noqa: ANN001
    """Links in e-mails and QR codes need the public address: production does not guess it."""
    env = production_env(tmp_path, secrets.token_urlsafe(64))
    env.pop("THADS_SITE_URL")
    result = check_deploy(env)
    assert result.returncode != 0
    assert "THADS_SITE_URL" in result.stderr


def test_an_unknown_email_scheme_refuses_to_start(tmp_path):  # noqa: ANN001
    env = production_env(tmp_path, secrets.token_urlsafe(64))
    env["EMAIL_URL"] = "smpt://mail.example.vn"
    result = check_deploy(env)
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr
