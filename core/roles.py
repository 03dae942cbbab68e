"""Roles are auth groups; their codes are fixed here, their names are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ROLE_SEPARATOR = ","


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    TRAINER = "trainer", _("Trainer")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    PROVINCIAL_LEADER = "provincial_leader", _("Provincial leader")
    CONTEST_ORGANISER = "contest_organiser", _("Contest organiser")
    JUDGE = "judge", _("Judge")
    ADMIN = "admin", _("Administrator")


# Roles whose accounts must use two-factor sign-in when THADS_REQUIRE_MFA is on.
MFA_ROLES = frozenset({Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN, Role.TRAINER, Role.CONTEST_ORGANISER})


_roles_loaders: list = []


def register_roles_loader(loader) -> None:  # noqa: ANN001
    """`loader(user)` reads data every signed-in request needs and may remember the roles with it
    (`remember_roles`); `user_roles` calls it before reading the roles on their own."""
    if loader not in _roles_loaders:
        _roles_loaders.append(loader)


def user_roles(user) -> frozenset[str]:  # noqa: ANN001
    """The role codes of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_thads_roles", None)
    if cached is None:
        for loader in _roles_loaders:  # a query the request makes anyway may bring the roles along
            loader(user)
        cached = getattr(user, "_thads_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._thads_roles = cached
    return cached


class RoleNames(models.Aggregate):
    """The group (role) names joined by ROLE_SEPARATOR, e.g. `RoleNames("user__groups__name")`: lets a
    query that already reads a user's own row also bring their roles, saving the roles query."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN003, ANN201
        return self.as_sql(compiler, connection, function="STRING_AGG",
                           template=f"%(function)s(%(expressions)s, '{ROLE_SEPARATOR}')", **extra_context)


def remember_roles(user, names: str | None) -> frozenset[str]:  # noqa: ANN001
    """Cache on `user` the roles read by a query annotated with RoleNames (None or "" = no role)."""
    roles = frozenset(name for name in (names or "").split(ROLE_SEPARATOR) if name)
    if user.is_superuser:
        roles = roles | {Role.ADMIN}
    user._thads_roles = roles
    return roles


def has_role(user, *roles: str) -> bool:  # noqa: ANN001
    return bool(user_roles(user) & set(roles))
