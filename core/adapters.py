from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are provisioned by administrators and the staff import; nobody signs up."""

    def is_open_for_signup(self, request) -> bool:  # noqa: ANN001
        return False

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
