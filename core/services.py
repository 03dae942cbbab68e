"""Writes owned by core: the audit log and the working-day calendar overrides."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest

from core.models import AuditEvent, CalendarOverride, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The real client address (behind the trusted proxies), or None outside a request."""
    from core.net import client_address

    return client_address(request)


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    actor_label: str = "",
    target: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one audit entry. Never updates or deletes; returns the new entry.

    Without an explicit request or actor, the request being served (if any) supplies both.
    """
    from core.middleware import current_request

    request = request or current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    if actor is not None and getattr(actor, "is_authenticated", False) and not actor_label:
        actor_label = actor.get_username()
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label[:254],
        target=target[:255],
        detail=detail or {},
        ip=client_ip(request),
    )


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    """Dates, times, decimals and ids as the text JSON keeps them."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))


def audit_change(
    *,
    action: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    **extra: Any,
) -> AuditEvent | None:
    """Append one audit entry for a change, keeping what it was and what it became.

    `before`/`after` map field names to values (dates, decimals… are stored as text; None for a creation
    or a deletion); fields that did not change are left out of both. Nothing is written when nothing changed (returns None). Actor and
    address come from the request being served unless given. Other keyword arguments go into the
    detail as they are (e.g. `case="12/2025"`).
    """
    before, after = _json_ready(before or {}), _json_ready(after or {})
    if before and after:
        same = [key for key in before if key in after and before[key] == after[key]]
        for key in same:
            before.pop(key)
            after.pop(key)
        if not before and not after:
            return None
    return audit_record(action=action, actor=actor, target=target, request=request,
                        detail={"before": before or None, "after": after or None, **extra})


def calendar_override_save(*, override: CalendarOverride | None, day: datetime.date, kind: str,
                           note: str = "") -> tuple[CalendarOverride, datetime.date | None]:
    """Add (``override`` None) or change a calendar override; returns it and the day it had before
    (None when new). The working-day calendar is refreshed (``core.calendar``) through the model's
    save signal, so admin edits refresh it too. Callers recompute what depends on the days."""
    previous = None
    if override is not None and override.pk is not None:
        previous = CalendarOverride.objects.filter(pk=override.pk).values_list("date", flat=True).first()
    before = CalendarOverride.objects.filter(pk=override.pk).values("date", "kind", "note").first() if previous else None
    override = override or CalendarOverride()
    override.date, override.kind, override.note = day, kind, note
    override.save()
    audit_change(action=AuditEvent.Action.CALENDAR_CHANGED, target=f"calendar: {override.date:%d/%m/%Y}",
                 before=before, after={"date": day, "kind": kind, "note": note})
    return override, previous


def calendar_override_remove(*, override: CalendarOverride) -> datetime.date:
    """Delete a calendar override; returns its day (the calendar is refreshed as on save)."""
    day = override.date
    audit_change(action=AuditEvent.Action.CALENDAR_CHANGED, target=f"calendar: {day:%d/%m/%Y}",
                 before={"date": day, "kind": override.kind, "note": override.note}, after=None)
    override.delete()
    return day
