"""The "adoption" panel of the home page."""

from __future__ import annotations

from django.http import HttpRequest

from analytics import selectors
from org.selectors import officer_for_user


def panel_context(request: HttpRequest) -> dict | None:
    """Home panel "adoption": this month's active days per expected software, the score and one next step."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    figures = selectors.panel_figures(officer=officer)
    return {"figures": figures, "expected": [item for item in figures.software if item.expected],
            "next_step": figures.next_step}
