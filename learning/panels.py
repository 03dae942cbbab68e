"""The "learning" panel of the home page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from learning.models import Enrollment, Notification
from org.selectors import officer_for_user

PANEL_ROWS = 5


def _unread(user) -> Subquery:  # noqa: ANN001
    return Subquery(Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()
                    .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())


def home_panel_context(request: HttpRequest) -> dict | None:
    """The officer's open courses (due date first, as in "My courses"), how many are completed, and the
    unread notifications: one query (the unread count rides on the enrollment rows; a second, bare
    count only when the officer has no current enrollment)."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    today = timezone.localdate()
    rows = list(Enrollment.objects.current().filter(officer=officer).order_by()
                .annotate(unread=Coalesce(_unread(request.user), Value(0)))
                .values("course_id", "course__title", "due_date", "progress_percent", "completed_at", "unread"))
    if rows:
        unread = rows[0]["unread"]
    else:
        unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    open_rows = [row for row in rows if row["completed_at"] is None]
    open_rows.sort(key=lambda row: (row["due_date"] is None, row["due_date"] or dt.date.max, row["course__title"]))
    for row in open_rows[:PANEL_ROWS]:
        row["is_overdue"] = bool(row["due_date"] and row["due_date"] < today)
        row["days_left"] = (row["due_date"] - today).days if row["due_date"] else None
    return {"open": open_rows[:PANEL_ROWS], "more": max(len(open_rows) - PANEL_ROWS, 0),
            "completed_count": len(rows) - len(open_rows), "unread": unread}
