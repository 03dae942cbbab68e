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
from core.roles import Role
from core.ui import HomePanel, panels_for, roles_without_panel


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
    shown = panels_for(request.user)
    cached = [panel for panel in shown if panel.cached]
    html = panels_get_or_render(panel_owner(request.user), [(panel.key, _panel_renderer(request, panel)) for panel in cached])
    for panel in shown:
        if not panel.cached:
            html[panel.key] = _panel_renderer(request, panel)()[0]
    panels = [{"panel": panel, "html": mark_safe(html[panel.key])}  # noqa: S308 (rendered by our templates)
              for panel in shown if html[panel.key] is not None]
    waiting = [Role(role).label for role in roles_without_panel(request.user)]
    return render(request, "core/home.html", {"panels": panels, "roles_waiting": waiting})


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


FALLBACK_500 = ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Đã có lỗi · THADS IT</title>"
                "</head><body><h1>Đã có lỗi</h1><p>Trang web chưa xử lý được yêu cầu của đồng chí do lỗi phía máy chủ. "
                "Xin thử lại sau ít phút.</p><p><a href=\"/\">Về Công việc của tôi</a></p></body></html>")


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page as a site page with the menu; a bare Vietnamese page when even that cannot be drawn
    (the database may be what failed)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - an error page must never raise
        return HttpResponse(FALLBACK_500, status=500)
