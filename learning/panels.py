"""The "learning" panel of the home page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, FilteredRelation, IntegerField, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from learning.models import Notification
from org.models import Officer
from org.selectors import officer_for_user

PANEL_ROWS = 5


def _unread(user) -> Subquery:  # noqa: ANN001
    return Subquery(Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()
                    .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())


def home_panel_context(request: HttpRequest) -> dict | None:
    """The officer's open courses (due date first, as in "My courses"), how many are completed, and the
    unread notifications, in one query: the officer's row joined to their current enrollments (a
    single row with no course when there is none), each carrying the unread count."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    today = timezone.localdate()
    rows = list(Officer.objects.filter(pk=officer.pk).order_by()
                .annotate(current=FilteredRelation("enrollments", condition=Q(enrollments__is_current=True)),
                          unread=Coalesce(_unread(request.user), Value(0)))
                .values(course_id=F("current__course_id"), course__title=F("current__course__title"),
                        due_date=F("current__due_date"), progress_percent=F("current__progress_percent"),
                        completed_at=F("current__completed_at"), unread=F("unread")))
    unread = rows[0]["unread"] if rows else 0
    rows = [row for row in rows if row["course_id"] is not None]
    open_rows = [row for row in rows if row["completed_at"] is None]
    open_rows.sort(key=lambda row: (row["due_date"] is None, row["due_date"] or dt.date.max, row["course__title"]))
    for row in open_rows[:PANEL_ROWS]:
        row["is_overdue"] = bool(row["due_date"] and row["due_date"] < today)
        row["days_left"] = (row["due_date"] - today).days if row["due_date"] else None
    return {"open": open_rows[:PANEL_ROWS], "more": max(len(open_rows) - PANEL_ROWS, 0),
            "completed_count": len(rows) - len(open_rows), "unread": unread}


TRAINER_ROWS = 8


def trainer_panel_context(request: HttpRequest) -> dict:
    """The trainer's courses (written or co-taught), each with its learners in progress and overdue, in one
    query; the courses with the most learners behind come first. "Awaiting grading" is the quizzes panel's."""
    from learning.models import Course

    today = timezone.localdate()
    current = Q(enrollments__is_current=True, enrollments__completed_at__isnull=True)
    courses = list(
        Course.objects.filter(Q(created_by=request.user) | Q(co_trainers=request.user)).order_by()
        .values("pk", "code", "title", "status").distinct()
        .annotate(in_progress=Count("enrollments", filter=current & Q(enrollments__due_date__gte=today)
                                    | current & Q(enrollments__due_date__isnull=True), distinct=True),
                  overdue=Count("enrollments", filter=current & Q(enrollments__due_date__lt=today), distinct=True))
        .order_by("-overdue", "-in_progress", "code")[: TRAINER_ROWS + 1]
    )
    return {"courses": courses[:TRAINER_ROWS], "more": len(courses) > TRAINER_ROWS}
