"""Count-table rows and scores for dashboard tests, written directly (as the nightly fill would)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from analytics.models import AdoptionScore, OfficerDayCount, Software, UnitDayCount


def make_software(code: str, name: str = "", positions=(), order: int = 0) -> Software:  # noqa: ANN001
    software, _created = Software.objects.get_or_create(code=code, defaults={"name": name or code, "order": order})
    if positions:
        software.expected_positions.set(positions)
    return software


def put_officer_counts(officer, day: dt.date, **metrics: int) -> None:  # noqa: ANN001
    """metrics as keyword arguments; `active__QLVB=1` writes the metric "active:QLVB"."""
    for name, value in metrics.items():
        OfficerDayCount.objects.update_or_create(officer=officer, day=day, metric=name.replace("__", ":"),
                                                 defaults={"value": value})


def put_unit_counts(unit, day: dt.date, **metrics: int) -> None:  # noqa: ANN001
    for name, value in metrics.items():
        UnitDayCount.objects.update_or_create(unit=unit, day=day, metric=name.replace("__", ":"),
                                              defaults={"value": value})


def make_score(officer, month: dt.date, total: float, stage: str = "regular", **components: float) -> AdoptionScore:  # noqa: ANN001
    values = {name: Decimal(str(components.get(name, total)))
              for name in ("activity", "breadth", "timeliness", "training", "skills")}
    score, _created = AdoptionScore.objects.update_or_create(
        officer=officer, month=month.replace(day=1),
        defaults={**values, "total": Decimal(str(total)), "stage": stage})
    return score
