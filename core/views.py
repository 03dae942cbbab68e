from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.models import AuditEvent
from core.permissions import can_view_audit_log
from core.selectors import audit_event_list
from core.ui import registry


def home(request: HttpRequest) -> HttpResponse:
    """"Công việc của tôi": every registered panel that has something for this user."""
    panels = []
    for panel in registry.panels:
        context = panel.context(request)
        if context is not None:
            panels.append({"panel": panel, "context": context})
    return render(request, "core/home.html", {"panels": panels})


def audit_log(request: HttpRequest) -> HttpResponse:
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    action = request.GET.get("action", "")
    query = request.GET.get("q", "").strip()
    page = Paginator(audit_event_list(action=action, query=query), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "actions": AuditEvent.Action.choices, "action": action, "q": query},
    )


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def email_managed(request: HttpRequest) -> HttpResponse:
    """The official e-mail cannot be changed by its holder; explain and go back to the home page."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    messages.info(request, _("Your official e-mail is managed by your unit's administrator. Ask them to correct it."))
    return redirect("core:home")
