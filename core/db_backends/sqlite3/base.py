"""SQLite with a per-process pool of open connections.

Under ASGI the synchronous part of each request runs on a thread of its own, so Django's
persistent connections (one per thread) are never reused and every request would open SQLite
afresh: open the file, register Django's SQL functions, run the PRAGMAs, read the schema and start
with an empty page cache. That costs more than a whole simple request. Here a closed connection
goes back to a process-wide pool (rolled back first if a transaction was left open) and the next
request, on whatever thread, takes it. PostgreSQL has psycopg's pool for the same reason.

``OPTIONS["pool_size"]``: how many idle connections are kept (0 turns the pool off). In-memory
databases are never pooled (Django keeps their single connection open).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict

from django.db.backends.sqlite3 import base as sqlite_base
from django.db.backends.sqlite3 import operations as sqlite_operations
from django.utils.asyncio import async_unsafe

Database = sqlite_base.Database


class ConnectionPool:
    """Idle raw connections by database name; take() and give() are thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[str, list[Database.Connection]] = defaultdict(list)

    def take(self, name: str) -> Database.Connection | None:
        with self._lock:
            idle = self._idle.get(name)
            return idle.pop() if idle else None

    def give(self, name: str, raw: Database.Connection, limit: int) -> bool:
        """Keep `raw` for the next taker; False (caller closes it) when `limit` idle ones are kept."""
        with self._lock:
            idle = self._idle[name]
            if len(idle) >= limit:
                return False
            idle.append(raw)
            return True

    def idle_count(self, name: str) -> int:
        with self._lock:
            return len(self._idle.get(name, ()))

    def forget(self) -> None:
        """Drop the idle connections without closing them: a forked child must not use, or close,
        its parent's."""
        self._idle = defaultdict(list)

    def clear(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, defaultdict(list)
        for connections in idle.values():
            for raw in connections:
                try:
                    raw.close()
                except Database.Error:
                    pass


POOL = ConnectionPool()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=POOL.forget)


class DatabaseOperations(sqlite_operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # noqa: ANN001, ANN201
        """Emptying every table (flush) lifts the audit log's append-only triggers for that moment only."""
        from core import audit_triggers

        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if audit_triggers.TABLE in tables and statements:
            return [*audit_triggers.SQLITE_DROP, *statements, *audit_triggers.SQLITE_CREATE]
        return statements


class DatabaseWrapper(sqlite_base.DatabaseWrapper):
    pool_size = 0
    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict:
        options = self.settings_dict["OPTIONS"]
        self.pool_size = int(options.get("pool_size", 0))
        params = super().get_connection_params()
        params.pop("pool_size", None)
        return params

    def _pooled(self) -> bool:
        return self.pool_size > 0 and not self.is_in_memory_db()

    @async_unsafe
    def get_new_connection(self, conn_params: dict) -> Database.Connection:
        if self._pooled():
            raw = POOL.take(self.settings_dict["NAME"])
            if raw is not None:
                return raw
        return super().get_new_connection(conn_params)

    def _close(self) -> None:
        raw = self.connection
        if raw is None or not self._pooled():
            return super()._close()
        try:
            if raw.in_transaction:
                raw.rollback()
            # Autocommit is the state Django sets on every new connection; leave it so.
            raw.isolation_level = None
        except Database.Error:
            return super()._close()
        if not POOL.give(self.settings_dict["NAME"], raw, self.pool_size):
            return super()._close()
        return None
