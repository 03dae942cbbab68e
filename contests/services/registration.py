"""Entering a contest: an officer on their own, or a unit manager for their unit's team."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from contests.models import Contest, Registration, RegistrationKind
from contests.selectors import contest_registration_open, officer_eligibility_problem, registration_for_officer
from contests.services.base import ContestError
from core.fragments import panel_cache_bump
from core.models import User
from org.models import Officer, Unit


def _check_window(contest: Contest, now: datetime) -> None:
    if not contest.is_published:
        raise ContestError("Hội thi chưa được công bố.")
    if not contest_registration_open(contest=contest, now=now):
        raise ContestError("Hội thi không trong thời hạn đăng ký.")


@transaction.atomic
def registration_individual_create(*, contest: Contest, officer: Officer, registered_by: User,
                                   now: datetime | None = None) -> Registration:
    """Register `officer` on their own. Checks that individual entry is allowed, the registration
    window, the audience (unit subtree, positions) and that the officer is in no other entry of the
    contest. Raises ContestError with the reason; nothing is written then."""
    now = now or timezone.now()
    _check_window(contest, now)
    if not contest.allow_individual:
        raise ContestError("Hội thi này không nhận đăng ký cá nhân.")
    problem = officer_eligibility_problem(contest=contest, officer=officer)
    if problem:
        raise ContestError(problem)
    if registration_for_officer(contest=contest, officer=officer) is not None:
        raise ContestError("Bạn đã đăng ký hội thi này.")
    withdrawn = Registration.objects.filter(contest=contest, officer=officer, withdrawn_at__isnull=False).first()
    if withdrawn is not None:  # entering again after withdrawing
        withdrawn.withdrawn_at = None
        withdrawn.registered_by = registered_by
        withdrawn.save(update_fields=["withdrawn_at", "registered_by"])
        panel_cache_bump(officer_ids=[officer.pk], panel="contests")
        return withdrawn
    try:
        with transaction.atomic():
            registration = Registration.objects.create(contest=contest, kind=RegistrationKind.INDIVIDUAL,
                                                       officer=officer, registered_by=registered_by)
    except IntegrityError as exc:  # the same officer pressing twice at once
        raise ContestError("Bạn đã đăng ký hội thi này.") from exc
    panel_cache_bump(officer_ids=[officer.pk], panel="contests")
    return registration


@transaction.atomic
def registration_team_save(*, contest: Contest, unit: Unit, members: list[Officer], registered_by: User,
                           now: datetime | None = None) -> Registration:
    """Register (or change the members of) the team of `unit`.

    Checks team entry is allowed, the window, the size limits, that the unit is in the contest's
    audience and that every member belongs to the unit's subtree, is eligible and is in no other
    entry. The caller checks that `registered_by` manages `unit`. Raises ContestError naming the
    member at fault; nothing is written then.
    """
    now = now or timezone.now()
    _check_window(contest, now)
    if not contest.allow_teams:
        raise ContestError("Hội thi này không nhận đăng ký đội.")
    members = list(dict.fromkeys(members))
    if not contest.team_min_size <= len(members) <= contest.team_max_size:
        raise ContestError(f"Đội phải có từ {contest.team_min_size} đến {contest.team_max_size} thành viên "
                           f"(đã chọn {len(members)}).")
    if contest.audience_unit_id and not unit.path.startswith(contest.audience_unit.path):
        raise ContestError(f"Đơn vị {unit.name} không thuộc phạm vi của hội thi.")
    existing = Registration.objects.filter(contest=contest, team_unit=unit, withdrawn_at__isnull=True).first()
    for member in members:
        if not member.unit.path.startswith(unit.path):
            raise ContestError(f"{member.full_name}: không thuộc đơn vị {unit.name}.")
        problem = officer_eligibility_problem(contest=contest, officer=member)
        if problem:
            raise ContestError(f"{member.full_name}: {problem}")
        other = registration_for_officer(contest=contest, officer=member)
        if other is not None and (existing is None or other.pk != existing.pk):
            raise ContestError(f"{member.full_name}: đã có trong một bài dự thi khác của hội thi này.")
    if existing is None:
        Registration.objects.filter(contest=contest, team_unit=unit, withdrawn_at__isnull=False).delete()
        existing = Registration.objects.create(contest=contest, kind=RegistrationKind.TEAM, team_unit=unit,
                                               registered_by=registered_by)
    old_ids = set(existing.members.values_list("pk", flat=True))
    existing.members.set(members)
    panel_cache_bump(officer_ids=old_ids | {member.pk for member in members}, panel="contests")
    return existing


@transaction.atomic
def registration_withdraw(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Withdraw an entry while registration is open (a withdrawn entry is kept, marked). Raises
    ContestError once registration has closed."""
    now = now or timezone.now()
    if not contest_registration_open(contest=registration.contest, now=now):
        raise ContestError("Đã hết thời hạn đăng ký: không rút được nữa, hãy liên hệ ban tổ chức.")
    registration.withdrawn_at = now
    registration.save(update_fields=["withdrawn_at"])
    officer_ids = {registration.officer_id} | set(registration.members.values_list("pk", flat=True))
    panel_cache_bump(officer_ids=officer_ids, panel="contests")
    return registration
