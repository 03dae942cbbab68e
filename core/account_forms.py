"""Account forms that replace django-allauth's (settings.ACCOUNT_FORMS)."""

from __future__ import annotations

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from django.utils.translation import gettext as _


class ChangePasswordForm(AllauthChangePasswordForm):
    """The password change, which refuses keeping the current password (above all the first one,
    which was handed out by an administrator)."""

    def clean(self):  # noqa: ANN201
        cleaned = super().clean()
        new = cleaned.get("password1")
        if new and self.user is not None and self.user.check_password(new):
            self.add_error("password1", _("The new password must be different from the current one."))
        return cleaned
