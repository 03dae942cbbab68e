import random
from decimal import Decimal

import pytest
from django.db.models import Avg

from analytics import demo
from analytics.models import AdoptionScore, ImportMapping, OfficerDayCount, UnitDayCount, UsageEvent
from analytics.services.scores import add_months, month_start

pytestmark = pytest.mark.django_db


def test_demo_usage_tells_the_story_and_is_seeded_once(monkeypatch):
    from org import demo as org_demo

    monkeypatch.setattr(demo, "MONTHS", 3)
    monkeypatch.setattr(demo, "TRAINING_MONTHS_AGO", 1)
    org_demo.seed(rng=random.Random(1))
    demo.seed(rng=random.Random(2))
    events = UsageEvent.objects.count()
    demo.seed(rng=random.Random(2))
    assert UsageEvent.objects.count() == events > 0
    assert ImportMapping.objects.count() == 8
    assert OfficerDayCount.objects.exists() and UnitDayCount.objects.filter(metric="officers").exists()

    from django.utils import timezone

    last = add_months(month_start(timezone.localdate()), -1)

    def average(**filters) -> Decimal:  # noqa: ANN003
        return AdoptionScore.objects.filter(month=last, **filters).aggregate(a=Avg("total"))["a"]

    strong = average(officer__unit__code__in=list(demo.STRONG))
    weak = average(officer__unit__code__in=list(demo.WEAK))
    assert strong > weak + 10
    # The officers of the weak branches trained a month ago use their software more since.
    before = add_months(last, -1)
    improved = [officer for officer in demo.IMPROVER_IDS
                if AdoptionScore.objects.get(officer_id=officer, month=last).activity
                > AdoptionScore.objects.get(officer_id=officer, month=before).activity]
    assert len(improved) >= len(demo.IMPROVER_IDS) * 0.75
