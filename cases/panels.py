"""The "cases" panel of the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from cases import selectors
from org.selectors import officer_for_user

PANEL_ROWS = 5


def panel_context(request: HttpRequest) -> dict | None:
    """Home panel "cases": the officer's most urgent deadlines and a case search box."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    # Only the columns the rows show (cases/_due_rows.html); the search box is plain HTML.
    due = list(selectors.deadline_list_due(officer=officer)
               .only("case_id", "due_date", "case__number", "expected__name", "expected__code")[: PANEL_ROWS + 1])
    return {"due": due[:PANEL_ROWS], "more": len(due) > PANEL_ROWS, "today": timezone.localdate()}
