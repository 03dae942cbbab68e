"""Lean bulk writes for the import's hot path.

`bulk_create` and `bulk_update` prepare every field of every model instance through the ORM and send
statements with thousands of placeholders, which costs more than the database itself for the hundreds
of thousands of rows an import writes. Here the caller gives plain tuples of Python values for the
columns it sets (the others take their database defaults from the model):

- `insert_rows`: PostgreSQL gets one binary `COPY … FROM STDIN` per call (new primary keys are taken from the
  table's sequence first, so the caller still learns them); SQLite gets multi-row INSERTs.
- `update_rows`: one set-based UPDATE per slice of rows — PostgreSQL joins the table to `unnest()` of
  one array per column (a handful of parameters, whatever the number of rows); SQLite joins it to a
  `VALUES` list (`UPDATE … FROM`).
- `any_of`: a filter "column is one of these values" sent as one parameter — an array on PostgreSQL
  (`= ANY(%s)`), a JSON list on SQLite (`IN (SELECT value FROM json_each(%s))`) — instead of `__in`,
  whose thousands of placeholders Django prepares one by one and the database driver splices in.

Values are adapted by the backend's own operations, so both databases store exactly what the ORM
would send.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import DateField, DateTimeField, F, Field, Lookup, Model

ROWS_PER_STATEMENT = 500


def _adapted(rows: Sequence[Sequence[Any]], fields: Sequence[Field]) -> list[Any]:
    """The rows' values, flattened, those of date and date-time `fields` adapted by the backend (its
    operations looked up once per call, only the columns that need it visited, each distinct date
    adapted once: an import sends hundreds of thousands of values)."""
    ops = connection.ops
    adapters = [(index, ops.adapt_datetimefield_value if isinstance(field, DateTimeField) else ops.adapt_datefield_value)
                for index, field in enumerate(fields) if isinstance(field, DateField)]
    if not adapters:
        return [value for row in rows for value in row]
    dates: dict[Any, Any] = {}
    values: list[Any] = []
    for row in rows:
        row = list(row)
        for index, adapt in adapters:
            value = row[index]
            if isinstance(value, date):  # a date-time too; None and ready-made text pass as they are
                adapted = dates.get(value) if type(value) is date else None
                if adapted is None:
                    adapted = adapt(value)
                    if type(value) is date:
                        dates[value] = adapted
                row[index] = adapted
        values.extend(row)
    return values


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class _AnyOf(Lookup):
    """`lhs` is one of the values of the list `rhs` (ints or strings), sent as a single parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):  # noqa: ANN001, ANN201
        if not self.rhs:
            raise EmptyResultSet  # as `__in` does: no row, and no query when nothing else can match
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # The array literal is written here: the driver would inspect every item to choose its type.
            if all(type(value) is int for value in self.rhs):
                return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}"]
            if all(type(value) is str for value in self.rhs):
                return f"{lhs} = ANY(%s::text[])", [*lhs_params, "{" + ",".join(
                    '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in self.rhs) + "}"]
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(self.rhs)]


def any_of(field: str, values: Iterable[int | str]) -> _AnyOf:
    """A filter for `QuerySet.filter`: the column of `field` (a name such as "case_id") is one of
    `values` — as `field__in=values`, with one parameter whatever the number of values."""
    return _AnyOf(F(field), list(values))


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *,
                returning: bool = False) -> list[int]:
    """Insert `rows` (values in the order of `fields`, attribute names such as "case_id"); with
    `returning`, the new primary keys in the order of `rows`."""
    if not rows:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    targets = [meta.get_field(name) for name in fields]
    columns = [quote(field.column) for field in targets]
    table = quote(meta.db_table)
    if _postgres():
        return _copy_rows(table, quote(meta.pk.column), columns, rows, returning=returning,
                          types=[_base_type(field) for field in ([meta.pk] if returning else []) + targets])
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            part = rows[start:start + ROWS_PER_STATEMENT]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([placeholder] * len(part)) + suffix
            cursor.execute(sql, _adapted(part, targets))
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _base_type(field: Field) -> str:
    """The column's type without its modifier ("varchar(80)" → "varchar"), as psycopg names types."""
    return field.db_type(connection).split("(")[0]


def _copy_rows(table: str, pk: str, columns: list[str], rows: Sequence[Sequence[Any]], *,
               returning: bool, types: list[str]) -> list[int]:
    """PostgreSQL: COPY the rows in, in binary (`types`: the columns' types, the key's first with
    `returning`); with `returning`, their keys are drawn from the table's sequence beforehand (one
    query) and copied with them."""
    with connection.cursor() as cursor:
        ids: list[int] = []
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk.strip('"'), len(rows)])
            ids = sorted(row[0] for row in cursor.fetchall())
            columns = [pk, *columns]
        # Binary: psycopg dumps ints, dates and date-times without formatting them as text (about a
        # third of the client's time for a chunk of steps); the server stores the same values.
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
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
            # The statement starts with UPDATE (not WITH) so that sqlite3 reports its row count.
            sql = (f"UPDATE {table} SET {assignments} FROM (SELECT "
                   + ", ".join(f"column{i + 1} AS {name}" for i, name in enumerate(names))
                   + " FROM (VALUES " + ", ".join([placeholder] * len(part)) + f")) AS v WHERE {table}.{pk} = v.v0")
            cursor.execute(sql, _adapted(part, targets))
            updated += cursor.rowcount
    return updated
