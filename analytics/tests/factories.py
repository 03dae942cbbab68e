"""Builders for analytics tests."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from analytics.models import EventSource, Software, SoftwareAction
from analytics.services.events import NewEvent, usage_events_insert


def moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def add_events(officer, code: str, day: date, count: int = 1, *, prefix: str = "t") -> int:  # noqa: ANN001
    """`count` events of software `code` (its first action) by `officer` on `day`."""
    software = Software.objects.get(code=code)
    action = SoftwareAction.objects.filter(software=software).order_by("pk").first()
    inserted, _days = usage_events_insert(events=[
        NewEvent(officer_id=officer.pk, software_id=software.pk, action_id=action.pk,
                 occurred_at=moment(day, 8 + index % 9), source=EventSource.IMPORT, source_system=code,
                 external_id=f"{prefix}-{officer.pk}-{code}-{day}-{index}")
        for index in range(count)])
    return inserted
