import random

import pytest

from learning.models import Certificate, Course, Enrollment
from learning.selectors import report_funnel

pytestmark = pytest.mark.django_db


def test_demo_catalogue_is_seeded_once_with_overdue_officers():
    from org import demo as org_demo
    from learning import demo

    org_demo.seed(rng=random.Random(1))
    demo.seed(rng=random.Random(2))
    demo.seed(rng=random.Random(2))
    assert set(Course.objects.filter(code__startswith="IU").values_list("code", flat=True)) == {
        "IU01", "IU02", "IU03", "IU04", "IU05", "IU06"}
    assert Course.objects.published().count() == 12
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="quanly")
    rows = report_funnel(user=manager)
    assert sum(row["overdue"] for row in rows) > 0
    assert Certificate.objects.filter(officer__user__username="canbo").exists()
    assert Enrollment.objects.filter(officer__user__username="canbo", due_date__isnull=False).exists()
    # The demo goes through the services, so the report's count table is exact without a refresh.
    from learning import counting
    from learning.selectors import report_funnel_direct

    assert counting.stored_counts() == counting.direct_counts()
    leader = get_user_model().objects.get(username="lanhdao")
    assert report_funnel(user=leader) == report_funnel_direct(user=leader)
