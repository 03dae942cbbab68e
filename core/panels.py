"""Core's home-page panels: the administrator's audit highlights and recent imports (read from the audit log)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.selectors import audit_highlights, audit_recent_imports
from core.ui import HomePanel, register_panel

HIGHLIGHT_DAYS = 7


def audit_panel_context(request: HttpRequest) -> dict[str, Any]:
    since = timezone.now() - dt.timedelta(days=HIGHLIGHT_DAYS)
    return {"days": HIGHLIGHT_DAYS, **audit_highlights(since=since)}


def imports_panel_context(request: HttpRequest) -> dict[str, Any]:
    return {"imports": audit_recent_imports(limit=5)}


def register() -> None:
    register_panel(HomePanel(key="admin-imports", title=_("Recent imports"), template="core/panel_imports.html",
                             context=imports_panel_context, order=60, roles=frozenset({Role.ADMIN})))
    register_panel(HomePanel(key="admin-audit", title=_("Audit highlights"), template="core/panel_audit.html",
                             context=audit_panel_context, order=62, roles=frozenset({Role.ADMIN})))
