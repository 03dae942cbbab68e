from django.conf import settings
from django.http import HttpRequest

from core.roles import Role, user_roles
from core.ui import nav_groups_for, registry


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else frozenset()
    return {
        "nav_groups": nav_groups_for(user, current=getattr(request.resolver_match, "view_name", None))
        if user is not None and user.is_authenticated else [],
        "header_links": [link for link in registry.header_links if link.allowed(user)]
        if user is not None and user.is_authenticated else [],
        "user_role_labels": [label for code, label in Role.choices if code in roles],
        "thads_env": settings.THADS_ENV,
    }
