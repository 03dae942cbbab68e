"""Shared by the quizzes services: the SQLite writer queue and the answer grace."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection


FOUR = Decimal("0.0001")


_SQLITE_WRITER = threading.RLock()


@contextmanager
def _one_writer():  # noqa: ANN202
    """SQLite has one writer at a time: queue this process's attempt writes on a lock rather than in
    SQLite's busy handler, which under load gives up ("database is locked") after its timeout.
    PostgreSQL needs nothing (row locks)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with _SQLITE_WRITER:
            yield
    else:
        yield
