"""Who may do what in contests."""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user, scope_for

# ---------------------------------------------------------------- live final


def can_host_contest(user, contest) -> bool:  # noqa: ANN001
    """Administrators; contest organisers who created the contest or whose scope covers the
    contest's audience unit."""
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.CONTEST_ORGANISER):
        return False
    if contest.created_by_id is not None and contest.created_by_id == user.pk:
        return True
    scope = scope_for(user)
    if scope.everything:
        return True
    audience = contest.audience_unit
    return bool(audience is not None and scope.unit_path and audience.path.startswith(scope.unit_path))


def can_host_live_round(user, round_) -> bool:  # noqa: ANN001
    """The host of a live final: whoever may host its contest."""
    return can_host_contest(user, round_.contest)


def can_join_live(user) -> bool:  # noqa: ANN001
    """Any signed-in officer may try a PIN; joining itself checks the registration."""
    return officer_for_user(user) is not None


def can_list_live_rounds(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.CONTEST_ORGANISER, Role.ADMIN)
