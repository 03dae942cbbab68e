"""The help-desk demo: focal persons for the Cục and every Chi cục, 15 articles, requests in each state."""

from __future__ import annotations

import random

import pytest

from support.models import Article, FocalPerson, HelpRequest


@pytest.mark.django_db
def test_demo_names_focal_persons_writes_articles_and_requests_in_each_state():
    from learning.models import Course, Enrollment
    from org import demo as org_demo
    from org.models import Unit
    from support import demo

    org_demo.seed(rng=random.Random("org"))
    demo.seed(rng=random.Random("support"))
    branches = Unit.objects.filter(kind__code="district_branch").count()
    assert FocalPerson.objects.filter(unit__code="KG").count() == 1
    assert FocalPerson.objects.filter(unit__kind__code="district_branch").count() == branches
    assert Article.objects.filter(is_published=True).count() == 15
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"new", "in_progress", "waiting", "done"}
    assert HelpRequest.objects.filter(escalated_at__isnull=False).count() == 1
    assert HelpRequest.objects.get(status="done").rating == 5
    course = Course.objects.get(code="DM-CNTT")
    assert Enrollment.objects.filter(course=course).count() == FocalPerson.objects.count()
    counts = (FocalPerson.objects.count(), Article.objects.count(), HelpRequest.objects.count())
    demo.seed(rng=random.Random("support"))
    assert (FocalPerson.objects.count(), Article.objects.count(), HelpRequest.objects.count()) == counts


@pytest.mark.django_db
def test_demo_figures_show_a_most_asked_question():
    from datetime import timedelta

    from django.utils import timezone

    from core.models import User
    from org import demo as org_demo
    from support import demo, selectors

    org_demo.seed(rng=random.Random("org"))
    demo.seed(rng=random.Random("support"))
    figures = selectors.support_figures(user=User.objects.get(username="quantri"), since=timezone.now() - timedelta(days=31))
    assert [(question.software, question.count) for question in figures.top_questions] == [("Chữ ký số", 3)]
