"""The "learning" panel of the home page."""

from __future__ import annotations

from django.http import HttpRequest

from org.selectors import officer_for_user
from learning.selectors import my_courses, notification_unread_count


def home_panel_context(request: HttpRequest) -> dict | None:
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    courses = my_courses(officer=officer)
    return {"open": courses["open"][:5], "more": max(len(courses["open"]) - 5, 0),
            "completed_count": len(courses["completed"]),
            "unread": notification_unread_count(user=request.user)}
