"""The contests panel of "Công việc của tôi": contests the officer can join and their rounds open now."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone

from contests.models import Contest, Registration, Round, RoundFormat
from contests.selectors import audience_filter
from org.selectors import officer_for_user


def panel_context(request: HttpRequest) -> dict | None:
    """Contests open for registration that the officer may join, the next online round of each contest
    they entered, and results published: one query. `cache_until` is the next time one of these
    changes by itself (a registration window or a round opening or closing)."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    now = timezone.now()
    mine = (Registration.objects.filter(contest=OuterRef("pk"), withdrawn_at__isnull=True)
            .filter(Q(officer=officer) | Q(members=officer)).values("pk")[:1])
    next_round = (Round.objects.filter(contest=OuterRef("pk"), format=RoundFormat.ONLINE, closes_at__gt=now)
                  .order_by("opens_at", "order"))
    open_registration = ((Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
                         & (Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now)))
    rows = list(Contest.objects.filter(is_published=True)
                .filter((audience_filter(officer) & open_registration) | Q(registrations__officer=officer,
                                                                           registrations__withdrawn_at__isnull=True)
                        | Q(registrations__members=officer, registrations__withdrawn_at__isnull=True))
                .annotate(my_registration_id=Subquery(mine),
                          round_title=Subquery(next_round.values("title")[:1]),
                          round_opens_at=Subquery(next_round.values("opens_at")[:1]),
                          round_closes_at=Subquery(next_round.values("closes_at")[:1]))
                .values("pk", "title", "registration_opens_at", "registration_closes_at", "results_published_at",
                        "my_registration_id", "round_title", "round_opens_at", "round_closes_at")
                .distinct().order_by("-created_at", "-pk")[:20])
    joinable = [row for row in rows if row["my_registration_id"] is None and officer.is_active]
    entered = [row for row in rows if row["my_registration_id"] is not None]
    rounds = [dict(row, open=row["round_opens_at"] <= now) for row in entered
              if row["round_title"] and row["round_opens_at"] and not row["results_published_at"]]
    moments = [row[key] for row in rows for key in ("registration_opens_at", "registration_closes_at",
                                                     "round_opens_at", "round_closes_at")]
    future = [moment for moment in moments if moment and moment > now]
    return {
        "joinable": joinable[:5], "rounds": rounds[:5],
        "results": [row for row in entered if row["results_published_at"]][:3],
        "cache_until": min(future) if future else None,
    }
