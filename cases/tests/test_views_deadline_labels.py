"""Officers read the law and article of a deadline (no note to developers) and money the Vietnamese way;
the two rules DOMAIN.md lists that were missing exist for both laws."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from cases.models import DeadlineRule, EnforcementCase
from cases.tests.factories import make_case


def test_case_page_shows_law_and_article_and_money_in_dong(world, client_for):
    case = make_case(world, intake=date(2026, 8, 3))
    EnforcementCase.objects.filter(pk=case.pk).update(amount_due=320000000)
    body = client_for("officer").get(reverse("cases:case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Luật THADS 2025 (tương ứng Điều 36 khoản 1 Luật 2008)" in body
    assert "chưa đối chiếu" not in body
    assert "320.000.000\u00a0đ" in body and "320000000" not in body


def test_right_to_request_and_yearly_reverification_rules_exist(db):
    for effective_from, verified in ((date(2015, 7, 1), True), (date(2026, 7, 1), False)):
        five_years = DeadlineRule.objects.get(from_step__code="judgment_effective", to_step__code="intake",
                                              effective_from=effective_from)
        assert (five_years.period, five_years.unit, five_years.is_verified) == (5, "years", verified)
        yearly = DeadlineRule.objects.get(from_step__code="no_means_yearly", to_step__code="verification",
                                          effective_from=effective_from)
        assert (yearly.period, yearly.unit) == (1, "years")
    assert not DeadlineRule.objects.filter(article__contains="chưa đối chiếu").exists()
