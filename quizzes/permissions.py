"""Who may do what in quizzes."""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user


def can_manage_bank(user) -> bool:  # noqa: ANN001
    """Trainers and administrators build question banks and quizzes."""
    return has_role(user, Role.TRAINER, Role.ADMIN)


def can_manage_quizzes(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.TRAINER, Role.ADMIN)


def can_view_results(user) -> bool:  # noqa: ANN001
    """Results lists (filtered by the scope rule) for trainers, managers and leaders."""
    return has_role(user, Role.TRAINER, Role.ADMIN, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER)


def can_grade_attempt(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.TRAINER, Role.ADMIN)


def can_take_quizzes(user) -> bool:  # noqa: ANN001
    return officer_for_user(user) is not None


def can_see_quizzes(user) -> bool:  # noqa: ANN001
    return can_take_quizzes(user) or can_manage_quizzes(user)
