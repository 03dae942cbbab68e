"""Who may see which adoption page. What they see inside a page is limited by org's scope rule."""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user


def can_view_scorecard(user) -> bool:  # noqa: ANN001
    """Anyone with an officer record has their own scorecard."""
    return officer_for_user(user) is not None


def can_view_adoption_dashboard(user) -> bool:  # noqa: ANN001
    """The unit dashboard, its drill-downs, exports and the monthly reports."""
    return has_role(user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN)


def can_view_province_overview(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.PROVINCIAL_LEADER, Role.ADMIN)


def lands_on_adoption_dashboard(user) -> bool:  # noqa: ANN001
    """Unit managers and provincial leaders start on the dashboard after sign-in."""
    return has_role(user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER)
