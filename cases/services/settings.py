"""Writes of the admin settings (calendar overrides, deadline rules, step types) with the
recomputation each one calls for, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cases.models import DeadlineRule, StepType
from cases.services.steps import deadline_rules_reapply, timeliness_recompute
from core.models import CalendarOverride
from core.services import calendar_override_remove, calendar_override_save

RULE_FIELDS = ("from_step", "to_step", "case_kind", "period", "unit", "effective_from", "article", "is_verified",
               "is_active")
STEP_TYPE_FIELDS = ("name", "order", "on_time_within", "sets_status", "is_active")


@dataclass(frozen=True)
class SettingSaved:
    instance: object
    recomputed: int | None  # steps (calendar, step types) or cases (rules) whose figures were redone


def _stored(model: type, pk: int | None) -> dict[str, Any]:
    """The row as stored before this save (a bound ModelForm may already have changed the instance)."""
    if pk is None:
        return {}
    return model.objects.filter(pk=pk).values().first() or {}


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def calendar_day_save(*, override: CalendarOverride | None, day: dt.date, kind: str, note: str = "") -> SettingSaved:
    """Add or change a calendar override (through core) and recompute the timeliness of the steps whose
    lag spans the old or the new day (``recomputed`` = steps changed). All or nothing."""
    saved, previous = calendar_override_save(override=override, day=day, kind=kind, note=note)
    days = [saved.date] + ([previous] if previous and previous != saved.date else [])
    return SettingSaved(saved, timeliness_recompute(date_from=min(days), date_to=max(days)))


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride) -> int:
    """Delete a calendar override (through core) and recompute the steps around its day; returns how many changed."""
    day = calendar_override_remove(override=override)
    return timeliness_recompute(date_from=day, date_to=day)


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule | None, **fields: Any) -> SettingSaved:  # noqa: ANN401
    """Add or change a deadline rule (names in ``RULE_FIELDS``) and rebuild the deadlines of the cases with
    its old or new trigger step (``recomputed`` = cases). All or nothing."""
    before = _stored(DeadlineRule, rule.pk if rule else None)
    rule = rule or DeadlineRule()
    for name, value in _only(fields, RULE_FIELDS).items():
        setattr(rule, name, value)
    rule.save()
    triggers = {rule.from_step_id, before.get("from_step_id")} - {None}
    return SettingSaved(rule, deadline_rules_reapply(step_type_ids=triggers))


@transaction.atomic
def step_type_update(*, step_type: StepType, **fields: Any) -> SettingSaved:  # noqa: ANN401
    """Change a step type (names in ``STEP_TYPE_FIELDS``); when its on-time rule changed, recompute the
    timeliness of its steps (``recomputed`` = steps changed, None when nothing needed it). All or nothing."""
    before = _stored(StepType, step_type.pk)
    for name, value in _only(fields, STEP_TYPE_FIELDS).items():
        setattr(step_type, name, value)
    step_type.save()
    if before.get("on_time_within") == step_type.on_time_within:
        return SettingSaved(step_type, None)
    return SettingSaved(step_type, timeliness_recompute(step_type_ids=[step_type.pk]))
