"""The contests panel of "Công việc của tôi": contests the officer can join and their rounds open now."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from contests import selectors
from contests.models import Round, RoundFormat
from org.selectors import officer_for_user


def home_panel_context(request: HttpRequest) -> dict | None:
    """Contests open for registration that the officer may join, the rounds of their entries that are
    open now, and results published. `cache_until` is the next time one of these changes by itself."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    now = timezone.now()
    contests = selectors.contest_list_for_officer(officer=officer)
    joinable, entered = [], []
    for contest in contests:
        if contest.my_registration is not None:
            entered.append(contest)
        elif selectors.contest_registration_open(contest=contest, now=now) and \
                selectors.officer_eligibility_problem(contest=contest, officer=officer) is None:
            joinable.append(contest)
    rounds = list(Round.objects.filter(contest__in=entered, format=RoundFormat.ONLINE, closes_at__gt=now)
                  .select_related("contest").order_by("opens_at")[:5]) if entered else []
    moments = [moment for contest in contests for moment in (contest.registration_opens_at,
                                                                contest.registration_closes_at)]
    moments += [moment for round_ in rounds for moment in (round_.opens_at, round_.closes_at)]
    future = [moment for moment in moments if moment and moment > now]
    return {
        "joinable": joinable[:5], "rounds": [{"round": round_, "open": round_.opens_at <= now} for round_ in rounds],
        "results": [contest for contest in entered if contest.results_published_at][:3],
        "cache_until": min(future) if future else None,
    }
