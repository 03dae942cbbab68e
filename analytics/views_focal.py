"""The IT focal person's weekly "who needs help" list (it reads analytics, cases, learning and support)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics import selectors
from core.permissions import require
from support.models import ActionKind
from support.permissions import is_any_focal_person


@require(is_any_focal_person)
def focal_week(request: HttpRequest) -> HttpResponse:
    week = selectors.focal_week_get(user=request.user)
    return render(request, "analytics/focal_week.html", {"week": week, "kinds": ActionKind.choices})


@require(is_any_focal_person)
@require_POST
def focal_action(request: HttpRequest, officer_id: int) -> HttpResponse:
    """Record what the focal person did for one officer on the list (with what the list showed then)."""
    from support import services as support_services

    week = selectors.focal_week_get(user=request.user)
    row = next((row for row in week.rows if row.laggard.officer_id == officer_id), None)
    officer = selectors.focal_week_officers(user=request.user).filter(pk=officer_id).first()
    if officer is None:
        raise Http404
    from support.forms import FocalActionForm

    form = FocalActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what you did from the list."))
        return redirect("analytics:focal-week")
    kind = form.cleaned_data["kind"]
    support_services.focal_action_record(
        officer=officer, kind=kind, note=form.cleaned_data["note"], by=request.user,
        article=row.article if row is not None and kind == ActionKind.SEND_ARTICLE else None,
        before=row.snapshot() if row is not None else {})
    messages.success(request, _("Recorded: next week's list shows whether it helped."))
    return redirect("analytics:focal-week")
