"""The "learning" panel of the home page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from learning import selectors
from org.selectors import officer_for_user

PANEL_ROWS = 5


def panel_context(request: HttpRequest) -> dict | None:
    """The officer's open courses (due date first, as in "My courses"), how many are completed, and the
    unread notifications (one query, ``learning.selectors.enrollment_list_current_with_unread``)."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    today = timezone.localdate()
    rows = selectors.enrollment_list_current_with_unread(officer=officer, user=request.user)
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
    """The trainer's courses (written or co-taught) with their learners in progress and overdue; "awaiting
    grading" is the quizzes panel's."""
    courses = selectors.course_list_taught_with_learners(user=request.user, limit=TRAINER_ROWS + 1)
    return {"courses": courses[:TRAINER_ROWS], "more": len(courses) > TRAINER_ROWS}
