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
    return session_two_step_done(request.session, request.user)


def session_two_step_done(session, user) -> bool:  # noqa: ANN001
    """`session_passed_two_step` for a bare session (a WebSocket has a session, not a request)."""
    from types import SimpleNamespace

    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(SimpleNamespace(session=session), user)  # reads only .session
    return any(record.get("method") == "mfa" for record in records)


def session_may_act_as(session, user) -> bool:  # noqa: ANN001
    """Whether a signed-in connection that is not a page (a WebSocket) may act as `user`: two-step
    sign-in done in this session where the role requires it (the rule of every page), and, for an
    account that has an authenticator, its code given in this session."""
    if requires_two_step(user) or user_has_totp(user):
        return session_two_step_done(session, user)
    return True


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


def _content_security_policy() -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",  # no inline script or on…= handler anywhere (core/tests/test_security_headers.py)
        "style-src 'self' 'unsafe-inline'",  # style="" attributes for bar widths and tree indents
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(get_response):  # noqa: ANN001, ANN201
    """Content-Security-Policy on every response, and `Cache-Control: no-store` on every response to
    a signed-in person (their pages, exports and files show personal data) unless the view chose."""
    policy = _content_security_policy()

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store, private"
        return response

    return middleware


def upload_size_guard(get_response):  # noqa: ANN001, ANN201
    """Refuse a request whose declared body is over the limit for its address (core.uploads), before
    anything reads the body: 413 with a Vietnamese page naming the size and the limit."""
    from django.shortcuts import render

    from core.uploads import MB, upload_limit_for

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = upload_limit_for(request.path)
        if declared > limit:
            context = {"size": f"{declared / MB:.1f}", "limit": f"{limit / MB:g}"}
            return render(request, "413.html", context, status=413)
        return get_response(request)

    return middleware
