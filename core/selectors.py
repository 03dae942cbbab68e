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


def audit_highlights(*, since) -> dict:  # noqa: ANN001
    """What an administrator should look at since `since`: counts of failed sign-ins and of role and
    unit changes (one query), and the five latest role changes (one query)."""
    from django.db.models import Count, Q

    counts = AuditEvent.objects.filter(at__gte=since).aggregate(
        failed=Count("id", filter=Q(action=AuditEvent.Action.LOGIN_FAILED)),
        roles=Count("id", filter=Q(action=AuditEvent.Action.ROLE_CHANGED)),
        units=Count("id", filter=Q(action=AuditEvent.Action.UNIT_CHANGED)),
    )
    latest = list(AuditEvent.objects.filter(at__gte=since, action=AuditEvent.Action.ROLE_CHANGED)[:5])
    return {**counts, "role_changes": latest}


def audit_recent_imports(*, limit: int = 5) -> list[AuditEvent]:
    """The latest imports of any kind (staff lists, case steps, question banks), newest first."""
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT)[:limit])
