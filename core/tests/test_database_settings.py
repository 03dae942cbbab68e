"""Every way of naming SQLite gets the project's back-end (pool, WAL, busy timeout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.database import databases

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url, name", [
    (None, "/srv/thads/db.sqlite3"),
    ("sqlite:///var/thads.sqlite3", "var/thads.sqlite3"),
    ("sqlite:////srv/thads/other.sqlite3", "/srv/thads/other.sqlite3"),
    ("sqlite://:memory:", ":memory:"),
    ("sqlite://", ":memory:"),
])
def test_sqlite_in_any_spelling_uses_the_pooled_back_end(url, name):
    config = databases(url, default_path=Path("/srv/thads/db.sqlite3"), pool_size=6)["default"]
    assert config["ENGINE"] == "core.db_backends.sqlite3" and config["NAME"] == name
    assert config["OPTIONS"]["pool_size"] == 6 and config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=5000" in config["OPTIONS"]["init_command"]


def test_postgresql_keeps_its_pool():
    config = databases("postgres://postgres@127.0.0.1:5432/thads", default_path=Path("x"),
                       pg_pool={"min_size": 1, "max_size": 4, "timeout": 5})["default"]
    assert config["ENGINE"] == "django.db.backends.postgresql" and config["OPTIONS"]["pool"]["max_size"] == 4


def test_a_sqlite_database_url_opens_with_wal_and_busy_timeout(tmp_path):
    script = (
        "import json, django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "django.setup()\n"
        "from django.db import connections; connection = connections['default']\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode'); journal = cursor.fetchone()[0]\n"
        "    cursor.execute('PRAGMA busy_timeout'); busy = cursor.fetchone()[0]\n"
        "print(json.dumps({'module': type(connection).__module__, 'journal': journal, 'busy': busy}))\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "THADS_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    outcome = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert outcome == {"module": "core.db_backends.sqlite3.base", "journal": "wal", "busy": 5000}
