from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from core.models import AuditEvent
from core.permissions import can_view_audit_log
from core.selectors import audit_event_list
from core.fragments import Rendered, panel_owner, panels_get_or_render
from core.ui import HomePanel, registry


def _panel_renderer(request: HttpRequest, panel: HomePanel):  # noqa: ANN202
    def render_panel() -> Rendered:
        context = panel.context(request)
        if context is None:
            return None, None
        html = get_template(panel.template).render({"panel": context, "request": request})
        return html, context.get("cache_until")

    return render_panel


def home(request: HttpRequest) -> HttpResponse:
    """"Công việc của tôi": every registered panel that has something for this user, each from the
    per-person panel cache (core.fragments) unless the panel opts out."""
    cached = [panel for panel in registry.panels if panel.cached]
    html = panels_get_or_render(panel_owner(request.user), [(panel.key, _panel_renderer(request, panel)) for panel in cached])
    for panel in registry.panels:
        if not panel.cached:
            html[panel.key] = _panel_renderer(request, panel)()[0]
    panels = [{"panel": panel, "html": mark_safe(html[panel.key])}  # noqa: S308 (rendered by our templates)
              for panel in registry.panels if html[panel.key] is not None]
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
