"""Cases and steps for tests, built through the services."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from cases import services
from cases.models import CaseKind, EnforcementCase, StepType


def local_moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make_case(world, unit_key: str = "A", number: str = "12/QĐ-CCTHADS", officer_key: str = "officer",  # noqa: ANN001
              intake: date = date(2026, 3, 2), kind: str = CaseKind.ON_REQUEST,
              parties=(("debtor", "Nguyễn Văn A", "12 Trần Phú, Rạch Giá"),)) -> EnforcementCase:  # noqa: ANN001
    officer = world.officers[officer_key] if officer_key else None
    return services.case_create(unit=world.units[unit_key], number=number, intake_date=intake, officer=officer,
                                kind=kind, parties=parties, recorded_at=local_moment(intake))


def step_type(code: str) -> StepType:
    return StepType.objects.get(code=code)


def ensure_reference_data() -> None:
    """Step types and deadline rules come from a data migration; a transactional test flushes them."""
    from importlib import import_module

    from django.apps import apps

    import_module("cases.migrations.0002_seed_step_types_and_rules").seed(apps, None)
    import_module("cases.migrations.0006_deadline_labels_and_missing_rules").forwards(apps, None)
