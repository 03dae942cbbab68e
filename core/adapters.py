from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are provisioned by administrators and the staff import; nobody signs up."""

    def is_open_for_signup(self, request) -> bool:  # noqa: ANN001
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The real client address behind the trusted proxies (core.net), for allauth's own limits."""
        from core.net import client_address

        return client_address(request) or super().get_client_ip(request)

    def authenticate(self, request: HttpRequest, **credentials: Any):  # noqa: ANN201
        """Check the password first, then count a failure against the account and the address.

        Replaces allauth's limit, which charged the address before the password was checked (core.
        signin_limits). Used by the sign-in form and by re-authentication. A locked account is refused
        with how long to wait, before its password is checked; a correct password is never refused
        because of the address's count.
        """
        from allauth.account.auth_backends import AuthenticationBackend

        from core import signin_limits
        from core.net import client_address

        account = signin_limits.account_key(str(credentials.get("username") or credentials.get("email") or ""))
        wait = signin_limits.signin_account_wait(account=account)
        if wait:
            raise forms.ValidationError(_account_locked_message(wait), code="too_many_login_attempts")
        AuthenticationBackend.unstash_authenticated_user()
        user = authenticate(request, **credentials)
        user = user or AuthenticationBackend.unstash_authenticated_user()
        if user and settings.THADS_ENV != "demo" and credentials.get("password") == settings.THADS_DEMO_PASSWORD:
            user = None  # the demo's shared password opens nothing outside the demo
        if user:
            return user
        self.authentication_failed(request, **credentials)
        # The try that reaches the account limit still hears "wrong password"; the next one the wait.
        address = client_address(request)
        account_wait, address_wait = signin_limits.signin_failure_record(account=account, address=address)
        # Password spraying from one address: its wrong passwords are answered later and later.
        request.signin_slow_down = signin_limits.signin_slow_down_seconds(address=address)
        if address_wait and not account_wait:
            raise forms.ValidationError(
                _("Too many failed sign-ins from your network. Check your user name and password carefully; "
                  "a correct password still works. The count clears in %(minutes)s minutes.")
                % {"minutes": signin_limits.minutes_text(address_wait)},
                code="too_many_login_attempts",
            )
        return None

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset by e-mail, the account starts again with no failures."""
        from core import signin_limits

        super()._delete_login_attempts_cached_email(request, **credentials)
        login = str(credentials.get("email") or credentials.get("username") or "")
        signin_limits.signin_failures_forget(account=signin_limits.account_key(login))

    def get_login_redirect_url(self, request) -> str:  # noqa: ANN001
        """Each role lands on its own work (apps register landings in core.ui); everyone else on
        "Công việc của tôi"."""
        from core.ui import landing_url_for

        return landing_url_for(request.user)

    def get_password_change_redirect_url(self, request) -> str:  # noqa: ANN001
        """After a password change (above all the forced first one) the user goes on to their landing page."""
        return self.get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:  # noqa: ANN003
        """A password typed at sign-in a few minutes ago counts as a fresh confirmation.

        Without this, a manager who must set up two-step sign-in right after signing in would be asked
        for the same password again before the authenticator page.
        """
        if _signed_in_recently():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _signed_in_recently() -> bool:
    import time

    from allauth.account import app_settings
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.core import context

    request = context.request
    if request is None or not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return any(
        record.get("method") == "password" and time.time() - record.get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT
        for record in records
    )


def _account_locked_message(seconds: int) -> str:
    from core.signin_limits import minutes_text

    return _("Too many failed sign-ins for this account. Please wait %(minutes)s minutes and try again.") % {
        "minutes": minutes_text(seconds)}
