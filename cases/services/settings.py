"""Writes of the admin settings (calendar overrides, deadline rules, step types) with the
recomputation each one calls for, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.forms import ModelForm

from cases.services.steps import deadline_rules_reapply, timeliness_recompute
from core.models import AuditEvent, CalendarOverride
from core.services import audit_change

AUDIT_ACTION = {"calendar": AuditEvent.Action.CALENDAR_CHANGED, "rules": AuditEvent.Action.DEADLINE_RULE_CHANGED,
                "step-types": AuditEvent.Action.DEADLINE_RULE_CHANGED}


@dataclass(frozen=True)
class SettingSaved:
    instance: object
    recomputed: int | None  # steps (calendar, step types) or cases (rules) whose figures were redone


def _stored(instance) -> dict:  # noqa: ANN001
    """The row as stored before this save (a bound ModelForm already carries the new values)."""
    if instance.pk is None:
        return {}
    stored = type(instance).objects.filter(pk=instance.pk).values().first()
    return stored or {}


@transaction.atomic
def case_setting_save(*, kind: str, form: ModelForm) -> SettingSaved:
    """Save a valid settings form ("calendar", "rules" or "step-types") and recompute what it changes.

    A calendar day: the steps whose lag spans the old or new day. A step type: its steps, if the
    on-time rule changed (otherwise `recomputed` is None). A deadline rule: the deadlines of the cases
    with its old or new trigger step. All or nothing.
    """
    before = _stored(form.instance)
    saved = form.save()
    audit_change(action=AUDIT_ACTION[kind], target=f"{kind}: {saved}", before=before or None, after=_stored(saved))
    if kind == "calendar":
        days = [saved.date] + ([before["date"]] if before.get("date") and before["date"] != saved.date else [])
        return SettingSaved(saved, timeliness_recompute(date_from=min(days), date_to=max(days)))
    if kind == "step-types":
        if before.get("on_time_within") == saved.on_time_within:
            return SettingSaved(saved, None)
        return SettingSaved(saved, timeliness_recompute(step_type_ids=[saved.pk]))
    triggers = {saved.from_step_id, before.get("from_step_id")} - {None}
    return SettingSaved(saved, deadline_rules_reapply(step_type_ids=triggers))


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride) -> int:
    """Delete a calendar override and recompute the steps around its day; returns how many changed."""
    day = override.date
    audit_change(action=AuditEvent.Action.CALENDAR_CHANGED, target=f"calendar: {override}", before=_stored(override),
                 after=None)
    override.delete()
    return timeliness_recompute(date_from=day, date_to=day)
