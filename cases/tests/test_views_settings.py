"""Settings pages (calendar overrides, deadline rules, step types) and opening a case by hand."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cases import services
from cases.models import CaseDeadline, CaseParty, CaseStep, DeadlineRule, EnforcementCase, StepType
from cases.tests.factories import local_moment, make_case, step_type
from core.models import CalendarOverride


def _late_step(world):  # noqa: ANN001, ANN202
    """A decision dated Friday 6/3/2026 recorded Monday 9/3/2026: lag 1, on time."""
    case = make_case(world)
    return services.case_step_record(case=case, step_type=step_type("decision"), legal_date=date(2026, 3, 6),
                                     by=world.officers["officer"], recorded_at=local_moment(date(2026, 3, 9)))


def test_a_worked_saturday_recomputes_the_lag_and_the_page_says_so(world, client_for):
    step = _late_step(world)
    assert (step.lag_working_days, step.on_time) == (1, True)
    client = client_for("admin")
    response = client.post(reverse("cases:settings-calendar"),
                           {"date": "2026-03-07", "kind": "working_day", "note": "làm bù"}, follow=True)
    assert response.status_code == 200
    assert CalendarOverride.objects.filter(date=date(2026, 3, 7)).exists()
    step.refresh_from_db()
    assert (step.lag_working_days, step.on_time) == (2, False)
    with translation.override("vi"):
        said = gettext("Timeliness recomputed for steps around %(day)s: %(n)s changed.") % {"day": "07/03/2026", "n": 1}
    assert said in response.content.decode()  # the one step whose lag spans the day was re-rated
    override = CalendarOverride.objects.get(date=date(2026, 3, 7))
    client.post(reverse("cases:settings-calendar-delete", args=[override.pk]))
    step.refresh_from_db()
    assert (step.lag_working_days, step.on_time) == (1, True)


def test_changing_a_step_types_on_time_rule_re_rates_its_steps(world, client_for):
    step = _late_step(world)
    decision = step_type("decision")
    response = client_for("admin").post(reverse("cases:settings-step-types-edit", args=[decision.pk]), {
        "name": decision.name, "order": decision.order, "on_time_within": 0, "sets_status": "", "is_active": "on"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.on_time is False


def test_a_new_deadline_rule_rebuilds_the_deadlines_of_cases_it_applies_to(world, client_for):
    step = _late_step(world)
    archive = StepType.objects.get(code="archive")
    assert not CaseDeadline.objects.filter(trigger=step, expected=archive).exists()
    response = client_for("admin").post(reverse("cases:settings-rules"), {
        "from_step": step.step_type_id, "to_step": archive.pk, "case_kind": "", "period": 3,
        "unit": "working_days", "effective_from": "2026-01-01", "article": "Thử", "is_verified": "on",
        "is_active": "on"})
    assert response.status_code == 302
    deadline = CaseDeadline.objects.get(trigger=step, expected=archive)
    assert deadline.due_date == date(2026, 3, 11)
    assert DeadlineRule.objects.get(article="Thử").is_verified


def test_seeded_rules_of_the_new_law_are_marked_not_verified(world, client_for):
    assert DeadlineRule.objects.filter(effective_from__gte=date(2026, 7, 1), is_verified=False).exists()
    assert not DeadlineRule.objects.filter(effective_from__lt=date(2026, 7, 1), is_verified=False).exists()
    body = client_for("admin").get(reverse("cases:settings-rules")).content.decode()
    assert "badge warn" in body


def _case_post(number: str, unit_pk: int, **extra) -> dict:  # noqa: ANN003
    data = {"unit": unit_pk, "number": number, "intake_date": "2026-03-02", "kind": "on_request", "officer": "",
            "judgment_ref": "", "obligation": "", "amount_due": "1000000",
            "party-TOTAL_FORMS": "3", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "1",
            "party-MAX_NUM_FORMS": "20",
            "party-0-role": "debtor", "party-0-full_name": "Phạm Thị Nợ", "party-0-address": "5 Lê Lợi, Rạch Giá",
            "party-1-role": "creditor", "party-1-full_name": "Ngân hàng Bình An", "party-1-address": "",
            "party-2-role": "debtor", "party-2-full_name": "", "party-2-address": ""}
    data.update(extra)
    return data


def test_a_manager_opens_a_case_with_parties_and_the_number_is_unique_in_the_unit(world, client_for):
    client = client_for("unit_manager")
    unit = world.units["A"]
    response = client.post(reverse("cases:case-create"), _case_post(" 31/QĐ-CCTHADS ", unit.pk))
    case = EnforcementCase.objects.get(unit=unit, number="31/QĐ-CCTHADS")
    assert response.status_code == 302 and response["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert sorted(CaseParty.objects.filter(case=case).values_list("full_name", "address")) == [
        ("Ngân hàng Bình An", ""), ("Phạm Thị Nợ", "5 Lê Lợi, Rạch Giá")]
    assert CaseStep.objects.filter(case=case, step_type__code="intake").count() == 1
    again = client.post(reverse("cases:case-create"), _case_post("31/QĐ-CCTHADS", unit.pk))
    assert again.status_code == 200 and "đã có ở đơn vị này" in again.content.decode()
    assert EnforcementCase.objects.filter(number="31/QĐ-CCTHADS").count() == 1
    # The same number in another unit of the manager's subtree is a different case.
    client.post(reverse("cases:case-create"), _case_post("31/QĐ-CCTHADS", world.units["A1"].pk))
    assert EnforcementCase.objects.filter(number="31/QĐ-CCTHADS").count() == 2


def test_case_creation_stays_within_the_unit_scope(world, client_for):
    response = client_for("unit_manager").post(reverse("cases:case-create"), _case_post("9/B", world.units["B"].pk))
    assert response.status_code == 200 and not EnforcementCase.objects.filter(number="9/B").exists()
    no_party = _case_post("10/A", world.units["A"].pk, **{"party-0-full_name": "", "party-1-full_name": ""})
    response = client_for("unit_manager").post(reverse("cases:case-create"), no_party)
    assert response.status_code == 200 and not EnforcementCase.objects.filter(number="10/A").exists()


def test_a_setting_and_its_recomputation_are_saved_together_or_not_at_all(world, monkeypatch):
    import pytest

    from cases.forms import CalendarOverrideForm
    from cases.services import settings as settings_services

    def fail(**kwargs):  # noqa: ANN003, ANN202
        raise RuntimeError("recomputation failed")

    monkeypatch.setattr(settings_services, "timeliness_recompute", fail)
    form = CalendarOverrideForm({"date": "2026-03-07", "kind": "working_day", "note": "làm bù"})
    assert form.is_valid(), form.errors
    with pytest.raises(RuntimeError):
        services.calendar_day_save(override=None, day=form.cleaned_data["date"], kind=form.cleaned_data["kind"],
                                   note=form.cleaned_data["note"])
    assert not CalendarOverride.objects.filter(date=date(2026, 3, 7)).exists()
