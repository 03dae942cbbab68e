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


def calendar_override_save(*, override: CalendarOverride | None, day: datetime.date, kind: str,
                           note: str = "") -> tuple[CalendarOverride, datetime.date | None]:
    """Add (``override`` None) or change a calendar override; returns it and the day it had before
    (None when new). The working-day calendar is refreshed (``core.calendar``) through the model's
    save signal, so admin edits refresh it too. Callers recompute what depends on the days."""
    previous = None
    if override is not None and override.pk is not None:
        previous = CalendarOverride.objects.filter(pk=override.pk).values_list("date", flat=True).first()
    override = override or CalendarOverride()
    override.date, override.kind, override.note = day, kind, note
    override.save()
    return override, previous


def calendar_override_remove(*, override: CalendarOverride) -> datetime.date:
    """Delete a calendar override; returns its day (the calendar is refreshed as on save)."""
    day = override.date
    override.delete()
    return day
