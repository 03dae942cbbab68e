"""Authentication backends whose per-request user look-up reads core.principal's cache first."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from core.principal import principal_get, principal_set


class CachedUserMixin:
    def get_user(self, user_id):  # noqa: ANN001, ANN201
        user = principal_get("user", user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                principal_set("user", user_id, user)
        elif not self.user_can_authenticate(user):
            return None
        return user


class CachedModelBackend(CachedUserMixin, ModelBackend):
    """Django's backend (admin sign-in), with the cached user look-up."""


class CachedAuthenticationBackend(CachedUserMixin, AuthenticationBackend):
    """allauth's backend (username or e-mail sign-in), with the cached user look-up."""
