"""Reads owned by core."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import AuditEvent


def audit_event_list(*, action: str = "", query: str = "") -> QuerySet[AuditEvent]:
    """Audit entries, newest first, optionally filtered by action and by a word in actor or object."""
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    if query:
        from django.db.models import Q

        events = events.filter(Q(actor_label__icontains=query) | Q(target__icontains=query))
    return events
