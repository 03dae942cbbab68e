"""Who may do what in the IT help desk."""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user
from support.models import HelpRequest


def focal_units(user) -> list:  # noqa: ANN001
    """Units whose focal person (main or deputy) this user is, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_thads_focal_units"):
        # Read on every page (menus): kept with the signed-in principal, dropped by support.services
        # when a focal person changes and with every principal when units change.
        from core.principal import principal_get, principal_set
        from support.selectors import focal_units_of

        units = principal_get("focal", user.pk)
        if units is None:
            officer = officer_for_user(user)
            units = focal_units_of(officer=officer) if officer is not None else []
            principal_set("focal", user.pk, units)
        user._thads_focal_units = units
    return user._thads_focal_units


def can_use_help_desk(user) -> bool:  # noqa: ANN001
    return officer_for_user(user) is not None


def is_any_focal_person(user) -> bool:  # noqa: ANN001
    return bool(focal_units(user))


def can_name_focal_persons(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.ADMIN)


def can_write_articles(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.TRAINER, Role.ADMIN) or is_any_focal_person(user)


def can_view_support_stats(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN) or is_any_focal_person(user)


def can_answer_request(user, request: HelpRequest) -> bool:  # noqa: ANN001
    """A focal person of the request's unit or of a unit above it, or an administrator."""
    if has_role(user, Role.ADMIN):
        return True
    path = request.unit.path
    return any(path.startswith(unit.path) for unit in focal_units(user))


def can_rate_request(user, request: HelpRequest) -> bool:  # noqa: ANN001
    officer = officer_for_user(user)
    return officer is not None and officer.pk == request.requester_id
