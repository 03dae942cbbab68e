"""Keeping EnrollmentCount exact: snapshots of enrollments before and after a change, applied as increments.

Every write that can change what the course report counts (a current enrollment's course, unit, due date,
started or completed state, or whether it is current at all) goes through `tracked`:

    with tracked(pks):            # locks the rows and reads their count keys
        Enrollment.objects.filter(pk__in=pks).update(...)
                                  # on exit: reads them again and adds the difference to the counts

Creations pass the new primary keys to `count_created`; deletions are counted by the post_delete receiver.
The increments are one upsert per touched cell (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n, on
SQLite and PostgreSQL alike), so concurrent writers never lose each other's changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from learning.models import NO_DUE_DATE, Enrollment, EnrollmentCount

Cell = tuple[int, int, dt.date]  # course, unit, due date (NO_DUE_DATE when none)
Key = tuple[int, int, dt.date, bool, bool]  # cell + started + completed


def key_of(*, course_id: int, unit_id: int | None, due_date: dt.date | None, started_at: object,
           completed_at: object, is_current: bool) -> Key | None:
    """What one enrollment adds to the counts (None when it is not counted)."""
    if not is_current or unit_id is None:
        return None
    return (course_id, unit_id, due_date or NO_DUE_DATE, started_at is not None or completed_at is not None,
            completed_at is not None)


KEY_FIELDS = ("pk", "course_id", "unit_id", "due_date", "started_at", "completed_at", "is_current")


def snapshot(pks: Iterable[int], *, lock: bool = False) -> dict[int, Key | None]:
    """The count key of each enrollment in `pks` (locked for the rest of the transaction with `lock`)."""
    pks = list(pks)
    if not pks:
        return {}
    rows = Enrollment.objects.filter(pk__in=pks)
    if lock:
        rows = rows.select_for_update()
    result = {}
    for row in rows.values(*KEY_FIELDS):
        pk = row.pop("pk")
        result[pk] = key_of(**row)
    return result


def _add(deltas: defaultdict[Cell, Counter], key: Key | None, sign: int) -> None:
    if key is None:
        return
    course_id, unit_id, due, started, completed = key
    cell = deltas[(course_id, unit_id, due)]
    cell["assigned"] += sign
    cell["started"] += sign * started
    cell["completed"] += sign * completed


def apply(before: dict[int, Key | None], after: dict[int, Key | None]) -> None:
    """Add the difference between two snapshots of the same enrollments to the counts."""
    deltas: defaultdict[Cell, Counter] = defaultdict(Counter)
    for pk in set(before) | set(after):
        old, new = before.get(pk), after.get(pk)
        if old != new:
            _add(deltas, old, -1)
            _add(deltas, new, +1)
    _upsert(deltas)


def count_keys(keys: Iterable[Key | None], sign: int) -> None:
    deltas: defaultdict[Cell, Counter] = defaultdict(Counter)
    for key in keys:
        _add(deltas, key, sign)
    _upsert(deltas)


def count_created(pks: Iterable[int]) -> None:
    """Count enrollments just created, under their officer's unit as stored (not as a caller's copy says)."""
    pks = list(pks)
    if not pks:
        return
    from org.models import Officer

    Enrollment.objects.filter(pk__in=pks).update(
        unit=Subquery(Officer.objects.filter(pk=OuterRef("officer_id")).values("unit_id")[:1]))
    apply({}, snapshot(pks))


@contextmanager
def tracked(pks: Iterable[int]) -> Iterator[list[int]]:
    """Lock the enrollments, let the caller change them, then count the difference (in one transaction)."""
    pks = list(pks)
    with transaction.atomic():
        before = snapshot(pks, lock=True)
        yield pks
        apply(before, snapshot(pks))


def _upsert(deltas: dict[Cell, Counter]) -> None:
    rows = [(course_id, unit_id, due, delta["assigned"], delta["started"], delta["completed"])
            for (course_id, unit_id, due), delta in sorted(deltas.items())
            if delta["assigned"] or delta["started"] or delta["completed"]]
    if not rows:
        return
    table = connection.ops.quote_name(EnrollmentCount._meta.db_table)
    sql = (
        f"INSERT INTO {table} (course_id, unit_id, due_date, assigned, started, completed) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (course_id, unit_id, due_date) DO UPDATE SET "
        f"assigned = {table}.assigned + excluded.assigned, "
        f"started = {table}.started + excluded.started, "
        f"completed = {table}.completed + excluded.completed"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def direct_counts(enrollments=None) -> dict[Cell, tuple[int, int, int]]:  # noqa: ANN001
    """Counts per cell computed from the enrollments themselves (by the officer's current unit)."""
    enrollments = Enrollment.objects.all() if enrollments is None else enrollments
    rows = (
        enrollments.filter(is_current=True)
        .values("course_id", "officer__unit_id", due_key=Coalesce("due_date", NO_DUE_DATE))
        .annotate(assigned=Count("pk"),
                  started=Count("pk", filter=Q(started_at__isnull=False) | Q(completed_at__isnull=False)),
                  completed=Count("pk", filter=Q(completed_at__isnull=False)))
    )
    return {(row["course_id"], row["officer__unit_id"], row["due_key"]):
            (row["assigned"], row["started"], row["completed"]) for row in rows}


def stored_counts() -> dict[Cell, tuple[int, int, int]]:
    return {(row.course_id, row.unit_id, row.due_date): (row.assigned, row.started, row.completed)
            for row in EnrollmentCount.objects.exclude(assigned=0, started=0, completed=0)}


@transaction.atomic
def refresh() -> dict[str, int]:
    """Rebuild the counts from the enrollments; idempotent. Returns how many enrollments and cells were fixed."""
    if connection.vendor == "postgresql":
        # Writers queue behind the rebuild; their increments then apply on top of the rebuilt figures.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(EnrollmentCount._meta.db_table)} "
                           "IN SHARE ROW EXCLUSIVE MODE")
    from org.models import Officer

    moved = (Enrollment.objects.exclude(unit_id=Subquery(Officer.objects.filter(pk=OuterRef("officer_id"))
                                                         .values("unit_id")[:1]))
             | Enrollment.objects.filter(unit__isnull=True))
    fixed_units = Enrollment.objects.filter(pk__in=list(moved.values_list("pk", flat=True))).update(
        unit=Subquery(Officer.objects.filter(pk=OuterRef("officer_id")).values("unit_id")[:1]))
    wanted = direct_counts()
    stored = {(row.course_id, row.unit_id, row.due_date): row for row in EnrollmentCount.objects.all()}
    changed = []
    for cell, row in stored.items():
        figures = wanted.get(cell, (0, 0, 0))
        if (row.assigned, row.started, row.completed) != figures:
            row.assigned, row.started, row.completed = figures
            changed.append(row)
    EnrollmentCount.objects.bulk_update(changed, ["assigned", "started", "completed"], batch_size=1000)
    EnrollmentCount.objects.filter(assigned=0, started=0, completed=0).delete()
    created = [EnrollmentCount(course_id=course_id, unit_id=unit_id, due_date=due, assigned=figures[0],
                               started=figures[1], completed=figures[2])
               for (course_id, unit_id, due), figures in wanted.items() if (course_id, unit_id, due) not in stored]
    EnrollmentCount.objects.bulk_create(created, batch_size=1000)
    return {"enrollments": fixed_units, "cells": len(changed) + len(created)}
