"""The SQLite back-end's connection pool: a closed connection is reused by the next request, on any
thread, with no transaction left open; in-memory databases and a zero pool size are never pooled."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.db_backends.sqlite3.base import POOL, DatabaseWrapper


def wrapper(path: Path | str, pool_size: int = 2) -> DatabaseWrapper:
    settings_dict = {
        "ENGINE": "core.db_backends.sqlite3", "NAME": str(path), "OPTIONS": {"pool_size": pool_size},
        "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {},
    }
    return DatabaseWrapper(settings_dict, alias="pool-test")


@pytest.fixture
def db_file(tmp_path: Path, django_db_blocker):  # noqa: ANN001, ANN201
    """A file database of the test's own, opened outside the test database."""
    POOL.clear()
    with django_db_blocker.unblock():
        yield tmp_path / "pool.sqlite3"
    POOL.clear()


def test_a_closed_connection_is_taken_by_the_next_one(db_file: Path) -> None:
    first = wrapper(db_file)
    first.ensure_connection()
    raw = first.connection
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    first.close()
    assert POOL.idle_count(str(db_file)) == 1
    second = wrapper(db_file)
    second.ensure_connection()
    assert second.connection is raw
    assert POOL.idle_count(str(db_file)) == 0
    with second.cursor() as cursor:  # Django's set-up holds on the reused connection
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    second.close()


def test_a_transaction_left_open_is_rolled_back_before_reuse(db_file: Path) -> None:
    setup = wrapper(db_file)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    setup.close()
    careless = wrapper(db_file)
    careless.set_autocommit(False)
    with careless.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    assert careless.connection.in_transaction
    careless.close()
    reader = wrapper(db_file)
    reader.ensure_connection()
    assert not reader.connection.in_transaction and reader.get_autocommit()
    with reader.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone()[0] == 0
    reader.close()


def test_the_pool_keeps_at_most_its_size_and_serves_other_threads(db_file: Path) -> None:
    wrappers = [wrapper(db_file, pool_size=2) for _ in range(3)]
    raws = []
    for each in wrappers:
        each.ensure_connection()
        raws.append(each.connection)
    for each in wrappers:
        each.close()
    assert POOL.idle_count(str(db_file)) == 2
    taken = []

    def request() -> None:
        on_thread = wrapper(db_file, pool_size=2)
        on_thread.ensure_connection()
        taken.append(on_thread.connection)
        with on_thread.cursor() as cursor:
            cursor.execute("SELECT 1")
        on_thread.close()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    assert taken[0] in raws
    assert POOL.idle_count(str(db_file)) == 2


def test_no_pool_for_memory_databases_or_size_zero(db_file: Path) -> None:
    unpooled = wrapper(db_file, pool_size=0)
    unpooled.ensure_connection()
    unpooled.close()
    assert POOL.idle_count(str(db_file)) == 0
    memory = wrapper(":memory:")
    memory.ensure_connection()
    assert not memory._pooled()
    memory.connection.close()


def test_the_configured_database_pools_its_connections() -> None:
    """Under ASGI each request has its own thread: whichever back-end the environment chose, a
    request takes an open connection from a pool instead of opening one."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        assert database["OPTIONS"]["pool"]["max_size"] > 0  # psycopg's pool
    else:
        assert database["ENGINE"] == "core.db_backends.sqlite3"
        assert database["OPTIONS"]["pool_size"] > 0
