"""The "quizzes" panel of the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from core.fragments import register_panel_expiry
from org.selectors import officer_for_user
from quizzes import selectors

PANEL_ROWS = 5

# The panel changes with no write when a quiz opens or closes: the cache never keeps it past then.
register_panel_expiry("quizzes", selectors.quiz_next_time_change)


def panel_context(request: HttpRequest) -> dict | None:
    """Quizzes open to the officer that they can still take or continue."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    quizzes = selectors.quiz_list_open_for_officer(officer=officer, now=timezone.now(), limit=PANEL_ROWS + 1)
    return {"quizzes": quizzes[:PANEL_ROWS], "more": len(quizzes) > PANEL_ROWS}
