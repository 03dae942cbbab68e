"""Who may do what in org."""

from __future__ import annotations

from core.roles import Role, has_role
from org.models import Officer
from org.selectors import officer_list_visible


def can_list_officers(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.ADMIN, Role.PROVINCIAL_LEADER, Role.UNIT_MANAGER, Role.TRAINER, Role.CONTEST_ORGANISER)


def can_manage_org(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.ADMIN)


def can_view_officer(user, officer: Officer) -> bool:  # noqa: ANN001
    return officer_list_visible(user=user).filter(pk=officer.pk).exists()
