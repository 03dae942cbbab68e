"""The `DATABASES` setting from the environment: one place that decides the back-end.

Whatever names SQLite — no DATABASE_URL (the embedded default), `sqlite:///relative/path`,
`sqlite:////absolute/path`, `sqlite://:memory:` — gets the project's back-end
`core.db_backends.sqlite3` with its per-process connection pool, WAL journal, busy timeout and
IMMEDIATE transactions; Django's plain SQLite back-end, which answers "database is locked" under
concurrent writers, is never used. PostgreSQL gets psycopg's pool.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

SQLITE_ENGINES = ("django.db.backends.sqlite3", "core.db_backends.sqlite3")
SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"


def sqlite_database(name: str, *, pool_size: int) -> dict:
    """The project's SQLite configuration for the database file `name` (":memory:" is never pooled)."""
    return {
        # Django's SQLite back-end with a per-process pool of open connections.
        "ENGINE": "core.db_backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "pool_size": pool_size,
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
        },
    }


def databases(url: str | None, *, default_path: Path, pool_size: int = 8, pg_pool: dict | None = None) -> dict:
    """`DATABASES` for `url` (a DATABASE_URL, or None for SQLite at `default_path`)."""
    if not url:
        return {"default": sqlite_database(str(default_path), pool_size=pool_size)}
    # Under ASGI every request may run on its own thread, so persistent per-thread connections
    # would pile up: PostgreSQL connections come from psycopg's pool instead (one per process).
    parsed = dj_database_url.parse(url, conn_max_age=0)
    if parsed["ENGINE"] in SQLITE_ENGINES:
        return {"default": sqlite_database(parsed.get("NAME") or ":memory:", pool_size=pool_size)}
    if parsed["ENGINE"] == "django.db.backends.postgresql" and pg_pool is not None:
        parsed.setdefault("OPTIONS", {})["pool"] = pg_pool
    return {"default": parsed}
