"""Roles are auth groups; their codes are fixed here, their names are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    TRAINER = "trainer", _("Trainer")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    PROVINCIAL_LEADER = "provincial_leader", _("Provincial leader")
    CONTEST_ORGANISER = "contest_organiser", _("Contest organiser")
    JUDGE = "judge", _("Judge")
    ADMIN = "admin", _("Administrator")


# Roles whose accounts must use two-factor sign-in when THADS_REQUIRE_MFA is on.
MFA_ROLES = frozenset({Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN})


def user_roles(user) -> frozenset[str]:  # noqa: ANN001
    """The role codes of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_thads_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._thads_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:  # noqa: ANN001
    return bool(user_roles(user) & set(roles))
