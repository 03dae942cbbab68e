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


# --- Data side: catalogue, usage-log imports, xAPI tokens, score settings --------------------------


def can_manage_adoption_settings(user) -> bool:  # noqa: ANN001
    """The software catalogue, column mappings, xAPI tokens and mappings, score settings: administrators."""
    return has_role(user, Role.ADMIN)


def can_import_usage(user) -> bool:  # noqa: ANN001
    """Usage-log imports: administrators (everything) and unit managers (officers of their units, checked
    per row by the import)."""
    return has_role(user, Role.ADMIN, Role.UNIT_MANAGER)


def can_view_score_formula(user) -> bool:  # noqa: ANN001
    """The "how the score is computed" page: anyone signed in."""
    return bool(getattr(user, "is_authenticated", False))
