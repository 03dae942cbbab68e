"""Lean multi-row INSERTs for the import's hot path.

`bulk_create` prepares every field of every model instance through the ORM, which costs more than the
database itself for the hundreds of thousands of rows an import writes. Here the caller gives plain
tuples of Python values for the columns it sets (the others take their database defaults from the
model, passed in `constants`); values are adapted by the backend's own operations, so SQLite and
PostgreSQL get exactly what the ORM would send.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

ROWS_PER_STATEMENT = 500


def _adapt(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *,
                returning: bool = False) -> list[int]:
    """Insert `rows` (values in the order of `fields`, attribute names such as "case_id"); with
    `returning`, the new primary keys in the order of `rows`."""
    if not rows:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            part = rows[start:start + ROWS_PER_STATEMENT]
            sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                   + ", ".join([placeholder] * len(part)) + suffix)
            cursor.execute(sql, [_adapt(value) for row in part for value in row])
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids
