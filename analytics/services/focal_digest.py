"""The IT focal persons' weekly digest: how many officers of their units need help this week, with a
link to the list. Through learning's notifications, once per focal person and ISO week."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, override

from analytics import selectors
from learning import services as learning_services

KIND = "support"


def focal_digests_send(*, today: dt.date | None = None) -> int:
    """Send each IT focal person this week's "who needs help" count and the first names on it.
    Re-running in the same week sends nothing twice. Returns how many digests were sent."""
    from support.models import FocalPerson

    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    url = reverse("analytics:focal-week")
    sent = 0
    user_ids = sorted(set(FocalPerson.objects.filter(officer__is_active=True).values_list("officer__user_id", flat=True)))
    for user in get_user_model().objects.filter(pk__in=user_ids):
        rows = selectors.focal_week_get(user=user, today=today).rows
        if not rows:
            continue
        with override("vi"):
            title = _("%(count)s officers of your units need IT help this week") % {"count": len(rows)}
            body = "\n".join(f"- {row.laggard.name} ({row.laggard.unit_name}): {row.suggestion_text}" for row in rows[:20])
        notification = learning_services.notification_send(
            recipient=user, kind=KIND, reason_key=f"support:focal-week:{user.pk}:{year}W{week:02d}",
            title=title, body=body, url=url)
        sent += notification is not None
    return sent
