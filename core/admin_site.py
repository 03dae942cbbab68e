"""The Django admin, reachable only through the site's own sign-in (with its two-step check).

Django's admin has its own password form, which would skip two-step sign-in and the failed sign-in
limits: here the admin's sign-in page sends everyone to the site's sign-in instead, and a signed-in
user without admin access gets 403 rather than the admin's password form.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class ThadsAdminSite(admin.AdminSite):
    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:  # noqa: ANN001
        """Never a password form: anonymous → the site's sign-in; signed in without access → 403."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect(next_url)

    def get_urls(self):  # noqa: ANN201
        """Anonymous visitors of an admin page go straight to the site's sign-in (one redirect)."""
        urls = super().get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None and hasattr(callback, "login_url"):
                callback.login_url = settings.LOGIN_URL
        return urls

    def admin_view(self, view, cacheable=False):  # noqa: ANN001, ANN201
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
            if not self.has_permission(request):
                if request.user.is_authenticated:
                    raise PermissionDenied
                return redirect_to_login(request.get_full_path())
            return inner(request, *args, **kwargs)

        return guarded
