"""Who may do what in analytics."""

from __future__ import annotations

from core.roles import Role, has_role

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
