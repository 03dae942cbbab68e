from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import empty

from core.roles import Role, user_roles
from core.ui import LazyHTML, main_nav_html, registry


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # The user behind the lazy request.user: the menu's checks read its attributes many times.
    user = user if getattr(user, "_wrapped", empty) is empty else user._wrapped
    roles = user_roles(user) if user is not None else frozenset()
    signed_in = user is not None and user.is_authenticated
    return {
        # Built only when a template prints it (base.html); partials and downloads skip it.
        "main_nav": LazyHTML(lambda: main_nav_html(user, current=getattr(request.resolver_match, "view_name", None)))
        if signed_in else "",
        "header_links": [link for link in registry.header_links if link.allowed(user)] if signed_in else [],
        "user_role_labels": [label for code, label in Role.choices if code in roles],
        "thads_env": settings.THADS_ENV,
    }
