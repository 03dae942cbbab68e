"""Writing usage events (shared by the log import, the xAPI endpoint and the demo)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from analytics.models import UsageEvent
from analytics.services.fill import refill_days_mark

ROWS_PER_STATEMENT = 500


@dataclass(frozen=True)
class NewEvent:
    officer_id: int
    software_id: int
    action_id: int
    occurred_at: datetime  # aware
    source: str
    source_system: str
    external_id: str


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def usage_events_insert(*, events: Iterable[NewEvent]) -> tuple[int, set[date]]:
    """Insert events, skipping those whose (source, source system, external id) is already stored, and
    mark already-filled days they fall on for a refill. Must run inside the caller's transaction.
    Returns (events inserted, days of the inserted events)."""
    table = UsageEvent._meta.db_table
    columns = "officer_id, software_id, action_id, occurred_at, day, source, source_system, external_id, created_at"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    inserted, days, batch = 0, set(), []

    def flush() -> int:
        if not batch:
            return 0
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
        params = [value for row in batch for value in row]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders} "
                           f"ON CONFLICT (source, source_system, external_id) DO NOTHING", params)
            count = max(cursor.rowcount, 0)
        batch.clear()
        return count

    for event in events:
        day = local_day(event.occurred_at)
        days.add(day)
        batch.append((event.officer_id, event.software_id, event.action_id,
                      connection.ops.adapt_datetimefield_value(event.occurred_at),
                      connection.ops.adapt_datefield_value(day), event.source, event.source_system,
                      event.external_id, now))
        if len(batch) >= ROWS_PER_STATEMENT:
            inserted += flush()
    inserted += flush()
    if inserted:
        refill_days_mark(days=days)
    return inserted, days
