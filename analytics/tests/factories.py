"""Builders for analytics tests: usage events (as imports write them), and count-table rows and scores
written directly (as the nightly fill would)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from analytics.models import AdoptionScore, EventSource, OfficerDayCount, Software, SoftwareAction, UnitDayCount
from analytics.services.events import NewEvent, usage_events_insert
from analytics.services.scores import score_state_touch


def make_software(code: str, name: str = "", positions=(), order: int = 0) -> Software:  # noqa: ANN001
    """An active catalogue entry expected of `positions` (none: of everyone), whether seeded or new."""
    software, _created = Software.objects.update_or_create(
        code=code, defaults={"name": name or code, "order": order, "is_active": True,
                             "expected_of_everyone": not positions})
    software.expected_positions.set(positions)
    return software


def catalogue_clear() -> None:
    """Set the seeded catalogue aside, so that a test's catalogue is the software it makes."""
    Software.objects.update(is_active=False)


def put_officer_counts(officer, day: dt.date, **metrics: int) -> None:  # noqa: ANN001
    """metrics as keyword arguments; `active__QLVB=1` writes the metric "active:QLVB"."""
    for name, value in metrics.items():
        OfficerDayCount.objects.update_or_create(officer=officer, day=day, metric=name.replace("__", ":"),
                                                 defaults={"value": value})
    score_state_touch()  # the data version moves, as after a fill


def put_unit_counts(unit, day: dt.date, **metrics: int) -> None:  # noqa: ANN001
    for name, value in metrics.items():
        UnitDayCount.objects.update_or_create(unit=unit, day=day, metric=name.replace("__", ":"),
                                              defaults={"value": value})
    score_state_touch()


def make_score(officer, month: dt.date, total: float, stage: str = "regular", **components: float) -> AdoptionScore:  # noqa: ANN001
    values = {name: Decimal(str(components.get(name, total)))
              for name in ("activity", "breadth", "timeliness", "training", "skills")}
    score, _created = AdoptionScore.objects.update_or_create(
        officer=officer, month=month.replace(day=1),
        defaults={**values, "total": Decimal(str(total)), "stage": stage})
    score_state_touch()
    return score


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def add_events(officer, code: str, day: dt.date, count: int = 1, *, prefix: str = "t") -> int:  # noqa: ANN001
    """`count` events of software `code` (its first action) by `officer` on `day`."""
    software = Software.objects.get(code=code)
    action = SoftwareAction.objects.filter(software=software).order_by("pk").first()
    inserted, _days = usage_events_insert(events=[
        NewEvent(officer_id=officer.pk, software_id=software.pk, action_id=action.pk,
                 occurred_at=moment(day, 8 + index % 9), source=EventSource.IMPORT, source_system=code,
                 external_id=f"{prefix}-{officer.pk}-{code}-{day}-{index}")
        for index in range(count)])
    return inserted
