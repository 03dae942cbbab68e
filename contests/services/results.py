"""Results: publishing them and issuing awards by overall rank."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contests.models import Award, AwardLevel, Contest
from contests.selectors import results_compute
from contests.services.base import ContestError
from core.certificates import certificate_number_next, new_verification_code
from core.fragments import panel_cache_bump_all
from org.selectors import certificate_issuer_for_unit



def _new_code() -> str:
    while True:
        code = new_verification_code()
        if not Award.objects.filter(code=code).exists():
            return code


def _level_for(contest: Contest, rank: int) -> str | None:
    limits = [(AwardLevel.FIRST, contest.awards_first), (AwardLevel.SECOND, contest.awards_second),
              (AwardLevel.THIRD, contest.awards_third), (AwardLevel.MERIT, contest.awards_merit)]
    ceiling = 0
    for level, count in limits:
        ceiling += count
        if rank <= ceiling:
            return level
    return None


@transaction.atomic
def awards_issue(*, contest: Contest, now: datetime | None = None) -> list[Award]:
    """Give Nhất, Nhì, Ba, Khuyến khích by overall rank (the contest's counts of each, in that order;
    entries sharing a rank get the same award; an entry with no points gets none).

    Each new award is a certificate of core.certificates: a verification code, the next number of the
    issuing agency's "GT" register for the year, and the issuer as it is today (the agency over the
    contest's audience unit, else over the entry's unit). Idempotent: an entry keeps its code and number
    when re-issued; awards no longer earned are removed."""
    now = now or timezone.now()
    results = results_compute(contest=contest)
    kept: list[Award] = []
    existing = {award.registration_id: award for award in contest.awards.all()}
    for row in results.rows:
        level = _level_for(contest, row.rank) if row.total > 0 else None
        if level is None:
            continue
        award = existing.pop(row.registration.pk, None)
        if award is None:
            issuer = certificate_issuer_for_unit(unit=contest.audience_unit or row.unit)
            award = Award(contest=contest, registration=row.registration, code=_new_code(),
                          number=certificate_number_next(issuer_key=issuer.key, series=Award.SERIES,
                                                         year=timezone.localdate(now).year),
                          **issuer.model_fields())
        award.level, award.rank, award.points = level, row.rank, row.total
        award.holder_name, award.unit_name = row.name, row.unit.name
        award.holder_unit_name = row.unit.name
        award.save()
        kept.append(award)
    Award.objects.filter(pk__in=[award.pk for award in existing.values()]).delete()
    return kept


@transaction.atomic
def results_publish(*, contest: Contest, published: bool = True, now: datetime | None = None) -> Contest:
    """Publish the final results (public page, awards issued) or withdraw them. Publishing needs every
    round closed (an online round past its close). Raises ContestError otherwise."""
    now = now or timezone.now()
    if published:
        if not contest.rounds.exists():
            raise ContestError("Hội thi chưa có vòng thi nào.")
        open_rounds = [round_.title for round_ in contest.rounds.all() if round_.closes_at and round_.closes_at > now]
        if open_rounds:
            raise ContestError(f"Vòng thi chưa kết thúc: {', '.join(open_rounds)}.")
        contest.results_published_at = now
        contest.save(update_fields=["results_published_at"])
        awards_issue(contest=contest, now=now)
    else:
        contest.results_published_at = None
        contest.save(update_fields=["results_published_at"])
    panel_cache_bump_all(panel="contests")
    return contest
