"""The home-page panel: the officer's IT focal person and how to reach them (one query), and for a
focal person the requests of their units waiting for an answer (one more)."""

from __future__ import annotations

from django.http import HttpRequest

from org.selectors import officer_for_user
from support.models import RequestStatus
from support.permissions import focal_units
from support.selectors import focal_person_list_for_unit, help_request_list_visible


def support_panel(request: HttpRequest) -> dict | None:
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    waiting = None
    if focal_units(request.user):
        waiting = (help_request_list_visible(user=request.user, status="open").exclude(requester=officer)
                   .exclude(status=RequestStatus.WAITING).count())
    return {"focal": focal_person_list_for_unit(unit=officer.unit), "waiting": waiting}
