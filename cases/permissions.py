"""Who may do what in cases."""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user


def can_use_cases(user) -> bool:  # noqa: ANN001
    """Anyone with an officer record has a to-do list and can search the cases they may see."""
    return officer_for_user(user) is not None


def can_view_timeliness(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN)


def can_import_steps(user) -> bool:  # noqa: ANN001
    """Administrators and unit managers (within their scope, checked per row). A file of the national
    software's steps writes into every case of a unit, so a clerk, who records steps by hand, does
    not import them."""
    return has_role(user, Role.ADMIN, Role.UNIT_MANAGER)


def can_manage_case_settings(user) -> bool:  # noqa: ANN001
    """Calendar overrides, deadline rules and step types: administrators."""
    return has_role(user, Role.ADMIN)


def can_create_case(user) -> bool:  # noqa: ANN001
    """Unit managers and clerks open cases by hand, within their unit scope; administrators too."""
    if has_role(user, Role.ADMIN, Role.UNIT_MANAGER):
        return True
    officer = officer_for_user(user)
    return officer is not None and officer.position.code == "clerk"
