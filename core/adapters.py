from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are provisioned by administrators and the staff import; nobody signs up."""

    def is_open_for_signup(self, request) -> bool:  # noqa: ANN001
        return False

    def get_login_redirect_url(self, request) -> str:  # noqa: ANN001
        """Managers and leaders land on their units' officers; everyone else on "Công việc của tôi"."""
        from django.urls import reverse

        from core.roles import Role, has_role

        if has_role(request.user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER):
            return reverse("org:officer-list")
        return super().get_login_redirect_url(request)

    def get_password_change_redirect_url(self, request) -> str:  # noqa: ANN001
        """After a password change (above all the forced first one) the user goes on to their landing page."""
        return self.get_login_redirect_url(request)
