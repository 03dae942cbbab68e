"""Per-request account rules: first-password change and two-factor enrolment."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.roles import MFA_ROLES, user_roles

current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)

ALWAYS_OPEN_PREFIXES = ("/static/", "/i18n/", "/media/", "/favicon.ico", "/verify/", "/healthz")


def user_has_totp(user) -> bool:  # noqa: ANN001
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_two_step(request: HttpRequest) -> bool:
    """Whether this session's own sign-in included a two-step code (or enrolled the authenticator).

    allauth records every authentication step of a session (method "password", "mfa", ...): having an
    authenticator is not enough, the code must have been given in this session.
    """
    from allauth.account.internal.flows.login import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def requires_two_step(user) -> bool:  # noqa: ANN001
    """Two-step sign-in is required for the MFA roles and for anyone with Django admin access."""
    return bool(settings.THADS_REQUIRE_MFA and (user_roles(user) & MFA_ROLES or user.is_staff or user.is_superuser))


class AccountRequirementsMiddleware:
    def __init__(self, get_response):  # noqa: ANN001
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.requirement_redirect(request)
            return response or self.get_response(request)
        finally:
            current_request.reset(token)

    def requirement_redirect(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALWAYS_OPEN_PREFIXES):
            return None
        if user.must_change_password:
            allowed = {reverse("account_change_password"), reverse("account_logout")}
            if request.path not in allowed:
                messages.info(request, _("Please choose your own password before you continue."))
                return redirect("account_change_password")
            return None
        if requires_two_step(user) and not session_passed_two_step(request):
            if not user_has_totp(user):
                if request.path.startswith("/accounts/"):
                    return None  # enrolment: the authenticator pages and the account pages
                messages.warning(request, _("Your role requires two-step sign-in. Please set up an authenticator app."))
                return redirect("mfa_activate_totp")
            # An authenticator exists but this session never gave its code: sign out and start again
            # through the site's sign-in, which asks for it.
            from django.contrib.auth import logout
            from django.contrib.auth.views import redirect_to_login

            logout(request)
            messages.warning(request, _("Please sign in again with your two-step code."))
            return redirect_to_login(request.get_full_path())
        return None


def language_choice_only(get_response):  # noqa: ANN001, ANN201
    """Vietnamese first: the page language is the site default unless the user picked another.

    Many office PCs run an English Windows whose browser asks for English; that must not switch
    officers away from Vietnamese. The language switch (a cookie) still works.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
