"""Who may do what in contests: `can_<verb>_<noun>(user, obj)`.

Contest setup, registration and judging are grouped first; the live final's checks follow them.
"""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user, scope_for

# ---------------------------------------------------------------- setup, registration, judging


def can_organise_contests(user) -> bool:  # noqa: ANN001
    """Contest organisers and administrators create contests."""
    return has_role(user, Role.CONTEST_ORGANISER, Role.ADMIN)


def can_manage_contest(user, contest) -> bool:  # noqa: ANN001
    """An administrator manages every contest; an organiser the contests they created and those whose
    audience lies within their unit scope (the shared scope rule)."""
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.CONTEST_ORGANISER):
        return False
    if contest.created_by_id == user.pk:
        return True
    scope = scope_for(user)
    if scope.everything:
        return True
    audience = contest.audience_unit
    return bool(scope.unit_path and audience is not None and audience.path.startswith(scope.unit_path))


def can_enter_contests(user) -> bool:  # noqa: ANN001
    """Anyone with an officer record may look at published contests and enter those open to them."""
    return officer_for_user(user) is not None


def can_register_team(user) -> bool:  # noqa: ANN001
    """Unit managers register their unit's team (members from their own unit subtree)."""
    return has_role(user, Role.UNIT_MANAGER) and officer_for_user(user) is not None


def can_judge(user) -> bool:  # noqa: ANN001
    """Judges score the entries assigned to them, and only those."""
    return has_role(user, Role.JUDGE)


def can_score_assignment(user, assignment) -> bool:  # noqa: ANN001
    return can_judge(user) and assignment.judge_id == user.pk


# ---------------------------------------------------------------- live final


def can_host_contest(user, contest) -> bool:  # noqa: ANN001
    """Whoever manages a contest hosts its live final."""
    return can_manage_contest(user, contest)


def can_host_live_round(user, round_) -> bool:  # noqa: ANN001
    """The host of a live final: whoever may host its contest."""
    return can_host_contest(user, round_.contest)


def can_join_live(user) -> bool:  # noqa: ANN001
    """Any signed-in officer may try a PIN; joining itself checks the registration."""
    return officer_for_user(user) is not None


def can_list_live_rounds(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.CONTEST_ORGANISER, Role.ADMIN)
