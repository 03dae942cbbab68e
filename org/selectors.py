"""Reads owned by org, above all the one scope rule every page, list and export goes through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.principal import principal_get, principal_set
from core.roles import Role, RoleNames, has_role, remember_roles, user_roles
from core.text import fold
from org.models import Officer, Position, Unit, UnitKind

# Roles that see a whole unit subtree; the rest see only their own record.
SUBTREE_ROLES = frozenset({Role.UNIT_MANAGER, Role.TRAINER, Role.CONTEST_ORGANISER})
ALL_ROLES = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, one unit subtree (by path prefix), or only themselves."""

    everything: bool = False
    unit_path: str | None = None
    officer_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.unit_path is None and self.officer_id is None

    def covers_unit_path(self, unit_path: str) -> bool:
        """Whether every officer of the unit at ``unit_path`` is in scope (the rule ``scope_filter``
        applies in SQL, for rows already read)."""
        return self.everything or bool(self.unit_path and unit_path.startswith(self.unit_path))


def officer_for_user(user) -> Officer | None:  # noqa: ANN001
    """The officer record of a signed-in user (cached on the user object), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_thads_officer"):
        cached = principal_get("officer", user.pk)  # dropped by org.signals when any part changes
        if cached is not None:
            officer, role_names = cached
            if getattr(user, "_thads_roles", None) is None:
                remember_roles(user, role_names)
            user._thads_officer = officer
            return officer
        officers = Officer.objects.select_related("unit", "position").filter(user=user)
        # One query for the officer and the roles (core.roles.user_roles then needs none).
        officer = officers.annotate(role_names=RoleNames("user__groups__name")).first()
        if officer is not None:
            if getattr(user, "_thads_roles", None) is None:
                remember_roles(user, officer.role_names)
            principal_set("officer", user.pk, (officer, officer.role_names))
        user._thads_officer = officer
    return user._thads_officer


def scope_for(user) -> Scope:  # noqa: ANN001
    """THE scope rule: which units and officers a user may see.

    - admin (or superuser): everything;
    - provincial leader: the whole province, i.e. the subtree of the top-level unit above their own unit
      (everything for a leader with no unit);
    - unit manager, trainer, contest organiser: their own unit's subtree;
    - anyone else with an officer record: only their own record;
    - anyone else: nothing.
    """
    roles = user_roles(user)
    if not roles and not getattr(user, "is_authenticated", False):
        return Scope()
    if roles & ALL_ROLES:
        return Scope(everything=True)
    officer = officer_for_user(user)
    if Role.PROVINCIAL_LEADER in roles:
        if officer is None:
            return Scope(everything=True)
        root_path = officer.unit.path[: officer.unit.path.index("/") + 1]
        return Scope(unit_path=root_path, officer_id=officer.pk)
    if roles & SUBTREE_ROLES and officer is not None:
        return Scope(unit_path=officer.unit.path, officer_id=officer.pk)
    if officer is not None:
        return Scope(officer_id=officer.pk)
    return Scope()


def unit_list_visible(*, user) -> QuerySet[Unit]:  # noqa: ANN001
    """Units within the user's scope (an officer sees their own unit)."""
    scope = scope_for(user)
    units = Unit.objects.select_related("kind", "parent")
    if scope.everything:
        return units
    if scope.unit_path:
        return units.filter(path__startswith=scope.unit_path)
    if scope.officer_id:
        return units.filter(officers__pk=scope.officer_id)
    return units.none()


def officer_list_visible(*, user) -> QuerySet[Officer]:  # noqa: ANN001
    """Officers within the user's scope, with unit and position loaded."""
    scope = scope_for(user)
    officers = Officer.objects.select_related("unit", "position", "user")
    if scope.everything:
        return officers
    if scope.unit_path:
        return officers.filter(unit__path__startswith=scope.unit_path)
    if scope.officer_id:
        return officers.filter(pk=scope.officer_id)
    return officers.none()


def scope_filter(*, user, unit_field: str = "unit", officer_field: str | None = None,  # noqa: ANN001
                 taught: Q | None = None) -> Q:
    """A Q object that limits any model with a unit (and optionally officer) foreign key to the scope.

    Feature apps use it so that their lists and exports obey the same rule:
    `Enrollment.objects.filter(scope_filter(user=u, unit_field="officer__unit", officer_field="officer"))`.

    `taught` is the course-based scope beside the unit-based one: a Q selecting the rows of what the
    user teaches (courses and quizzes they own or co-teach, built by the app that owns them, e.g.
    `learning.selectors.course_taught_filter`). For a trainer those rows are visible whatever the
    learners' units; for anyone else `taught` is ignored.
    """
    unit_scope = _unit_scope_filter(user=user, unit_field=unit_field, officer_field=officer_field)
    if taught is not None and teaches_courses(user):
        return unit_scope | taught
    return unit_scope


def teaches_courses(user) -> bool:  # noqa: ANN001
    """Trainers get the course-based scope (scope_filter's `taught`) beside their unit's."""
    return has_role(user, Role.TRAINER)


def _unit_scope_filter(*, user, unit_field: str, officer_field: str | None) -> Q:  # noqa: ANN001
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.unit_path:
        return Q(**{f"{unit_field}__path__startswith": scope.unit_path})
    if scope.officer_id and officer_field:
        return Q(**{f"{officer_field}__pk": scope.officer_id})
    if scope.officer_id:
        return Q(**{f"{unit_field}__officers__pk": scope.officer_id})
    return Q(pk__in=[])


def officer_search(*, user, query: str = "", unit_id: int | None = None, position_id: int | None = None,
                   active: bool | None = True) -> QuerySet[Officer]:  # noqa: ANN001
    """Visible officers filtered by an accent-insensitive name/e-mail query, unit subtree and position."""
    officers = officer_list_visible(user=user)
    if query:
        folded = fold(query)
        officers = officers.filter(Q(search_name__contains=folded) | Q(email__icontains=query.strip()))
    if unit_id:
        unit = Unit.objects.filter(pk=unit_id).only("path").first()
        officers = officers.filter(unit__path__startswith=unit.path) if unit else officers.none()
    if position_id:
        officers = officers.filter(position_id=position_id)
    if active is not None:
        officers = officers.filter(is_active=active)
    return officers


def unit_tree(*, user) -> list[Unit]:  # noqa: ANN001
    """Visible units in tree order with an officer count each (one query)."""
    return list(
        unit_list_visible(user=user).annotate(officer_count=Count("officers", filter=Q(officers__is_active=True)))
    )


def unit_kind_list() -> QuerySet[UnitKind]:
    return UnitKind.objects.all()


def position_list() -> QuerySet[Position]:
    return Position.objects.annotate(officer_count=Count("officers"))


def position_label(*, labels: dict[str, str], code: str) -> str:
    """The position's name for a code or name as typed in a staff list (matched as the import matches it:
    code without case, or name without accents); what was typed when nothing matches."""
    return labels.get(code.strip().lower()) or labels.get(f"name:{fold(code)}") or code


def position_labels() -> dict[str, str]:
    """Position names by lower-case code and by accent-folded name (`position_label` reads it). One query."""
    labels: dict[str, str] = {}
    for code, name in Position.objects.values_list("code", "name"):
        labels[code.lower()] = name
        labels[f"name:{fold(name)}"] = name
    return labels


def certificate_issuer_for_unit(*, unit: Unit):  # noqa: ANN201 - core.certificates.IssuerSnapshot
    """Who issues a certificate to a holder of `unit`: the unit itself or the nearest unit above it with a
    signatory set by an administrator (org.UnitSignatory); with none on the way up, the top unit of the
    tree, printed by name, without signer. One query (the ancestors are on the materialised path).
    """
    from core.certificates import IssuerSnapshot
    from org.models import UnitSignatory

    paths = unit.ancestor_paths() or [unit.path]
    signatories = {item.unit.path: item for item in
                   UnitSignatory.objects.select_related("unit").filter(unit__path__in=paths)}
    for path in reversed(paths):
        signatory = signatories.get(path)
        if signatory is not None:
            return IssuerSnapshot(
                key=signatory.unit.code, agency=signatory.agency_name or signatory.unit.name,
                parent_agency=signatory.parent_agency, place=signatory.place, signer_title=signatory.signer_title,
                signer_name=signatory.signer_name, signature_file=signatory.signature.name or "",
                seal_file=signatory.seal.name or "",
            )
    top = unit if paths[0] == unit.path else Unit.objects.filter(path=paths[0]).first() or unit
    return IssuerSnapshot(key=top.code, agency=top.name)


def account_review(*, user, limit: int = 5) -> dict:  # noqa: ANN001
    """Accounts an administrator should look at, within the user's scope: active officers who never signed
    in, and officers marked inactive whose account can still sign in (counts in one query; the first
    `limit` never-signed-in officers in a second)."""
    officers = officer_list_visible(user=user)
    counts = officers.aggregate(
        never=Count("id", filter=Q(is_active=True, user__last_login__isnull=True)),
        inactive_open=Count("id", filter=Q(is_active=False, user__is_active=True)),
    )
    never = list(officers.filter(is_active=True, user__last_login__isnull=True).order_by("-pk")[:limit])
    return {**counts, "never_signed_in": never}


def officer_headcount_by_unit() -> QuerySet:
    """Active officers per unit (the unit itself, not its subtree): rows `{"unit_id", "n"}`. A lazy
    GROUP BY query, usable as the SELECT of a set-based INSERT."""
    return Officer.objects.active().values("unit_id").annotate(n=Count("id")).order_by()


def unit_signatory_get(*, unit: Unit):  # noqa: ANN201
    """The unit's own certificate signatory, or None when it signs with the one of a unit above."""
    from org.models import UnitSignatory

    return UnitSignatory.objects.filter(unit=unit).first()


def unit_signatory_overview(*, user) -> list[Unit]:  # noqa: ANN001
    """Visible units in tree order, each with `own_signatory` (its UnitSignatory or None) and `signed_by`
    (the nearest unit at or above it with a signatory, or None: the top unit issues unsigned). Two queries
    whatever the number of units (the units, then every signatory on their paths)."""
    from org.models import UnitSignatory

    units = list(unit_list_visible(user=user).order_by("path"))
    paths = {path for unit in units for path in unit.ancestor_paths()}
    signatories = {item.unit.path: item for item in
                   UnitSignatory.objects.select_related("unit").filter(unit__path__in=paths)}
    for unit in units:
        unit.own_signatory = signatories.get(unit.path)
        unit.signed_by = next((signatories[path].unit for path in reversed(unit.ancestor_paths())
                               if path in signatories), None)
    return units


def trainer_search(*, query: str = "", exclude_user_ids: Iterable[int] = (), limit: int = 20) -> list[Officer]:
    """Active officers with the trainer role in any unit (not scoped: a course's author picks co-trainers
    anywhere in the agency), by accent-free name or e-mail, without `exclude_user_ids`; unit and position
    loaded; at most `limit`, by name. One query."""
    officers = (Officer.objects.select_related("user", "unit", "position")
                .filter(is_active=True, user__is_active=True, user__groups__name=Role.TRAINER)
                .exclude(user_id__in=list(exclude_user_ids)))
    if query.strip():
        officers = officers.filter(Q(search_name__contains=fold(query)) | Q(email__icontains=query.strip()))
    return list(officers.order_by("search_name", "pk")[:limit])
