"""Lean bulk writes for the import's hot path.

`bulk_create` and `bulk_update` prepare every field of every model instance through the ORM and send
statements with thousands of placeholders, which costs more than the database itself for the hundreds
of thousands of rows an import writes. Here the caller gives plain tuples of Python values for the
columns it sets (the others take their database defaults from the model):

- `insert_rows`: PostgreSQL gets one `COPY … FROM STDIN` per call (new primary keys are taken from the
  table's sequence first, so the caller still learns them); SQLite gets multi-row INSERTs.
- `update_rows`: one set-based UPDATE per slice of rows — PostgreSQL joins the table to `unnest()` of
  one array per column (a handful of parameters, whatever the number of rows); SQLite joins it to a
  `VALUES` list (`UPDATE … FROM`).

Values are adapted by the backend's own operations, so both databases store exactly what the ORM
would send.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

ROWS_PER_STATEMENT = 500


def _adapted(rows: Sequence[Sequence[Any]]) -> list[Any]:
    """The rows' values, flattened, dates and date-times adapted by the backend (its operations looked
    up once per call, not once per value: an import sends hundreds of thousands of values)."""
    ops = connection.ops
    adapt_datetime, adapt_date = ops.adapt_datetimefield_value, ops.adapt_datefield_value
    return [adapt_datetime(value) if isinstance(value, datetime) else adapt_date(value) if isinstance(value, date)
            else value for row in rows for value in row]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *,
                returning: bool = False) -> list[int]:
    """Insert `rows` (values in the order of `fields`, attribute names such as "case_id"); with
    `returning`, the new primary keys in the order of `rows`."""
    if not rows:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in fields]
    table = quote(meta.db_table)
    if _postgres():
        return _copy_rows(table, quote(meta.pk.column), columns, rows, returning=returning)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            part = rows[start:start + ROWS_PER_STATEMENT]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([placeholder] * len(part)) + suffix
            cursor.execute(sql, _adapted(part))
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _copy_rows(table: str, pk: str, columns: list[str], rows: Sequence[Sequence[Any]], *,
               returning: bool) -> list[int]:
    """PostgreSQL: COPY the rows in; with `returning`, their keys are drawn from the table's sequence
    beforehand (one query) and copied with them."""
    with connection.cursor() as cursor:
        ids: list[int] = []
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk.strip('"'), len(rows)])
            ids = sorted(row[0] for row in cursor.fetchall())
            columns = [pk, *columns]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            if returning:
                for pk_value, row in zip(ids, rows, strict=True):
                    copy.write_row((pk_value, *row))
            else:
                for row in rows:
                    copy.write_row(row)
    return ids


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Set `fields` (attribute names such as "met_by_id") of the rows whose primary key is each row's
    first value, to the values that follow it: `rows` is [(pk, value, …), …]. Returns the number of
    rows updated."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    targets = [meta.pk, *(meta.get_field(name) for name in fields)]
    names = [f"v{i}" for i in range(len(targets))]
    assignments = ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(targets[1:], names[1:], strict=True))
    updated = 0
    with connection.cursor() as cursor:
        if _postgres():
            arrays = ", ".join(f"%s::{field.rel_db_type(connection) if field.primary_key else field.db_type(connection)}[]"
                               for field in targets)
            sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
                   f"WHERE {table}.{pk} = v.v0")
            cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
            return cursor.rowcount
        placeholder = "(" + ", ".join(["%s"] * len(targets)) + ")"
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            part = rows[start:start + ROWS_PER_STATEMENT]
            sql = (f"WITH v({', '.join(names)}) AS (VALUES " + ", ".join([placeholder] * len(part)) + ") "
                   f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.v0")
            cursor.execute(sql, _adapted(part))
            updated += cursor.rowcount
    return updated
