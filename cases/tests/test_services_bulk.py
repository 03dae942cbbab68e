"""The lean bulk helpers of the import: same rows and values as the ORM."""

from __future__ import annotations

from datetime import date

import pytest

from cases.models import CaseDeadline, CaseStep, DeadlineRule
from cases.services.bulk import any_of, insert_rows, update_rows
from cases.tests.factories import make_case


@pytest.fixture
def cases(world):  # noqa: ANN001, ANN201
    return [make_case(world, number=f"{n}/QĐ-Thạch") for n in range(1, 5)]


def test_any_of_selects_the_rows_of_field_in(world, cases):
    wanted = [cases[0].pk, cases[2].pk, cases[2].pk, 10**9]
    assert set(CaseStep.objects.filter(any_of("case_id", wanted)).values_list("pk", flat=True)) == set(
        CaseStep.objects.filter(case_id__in=wanted).values_list("pk", flat=True))
    numbers = [cases[1].number, "không có", 'a "quoted" \\ {one}, two', cases[3].number]  # accents, quotes
    assert sorted(type(cases[0]).objects.filter(any_of("number", numbers)).values_list("pk", flat=True)) == sorted(
        [cases[1].pk, cases[3].pk])
    assert not CaseStep.objects.filter(any_of("case_id", [])).exists()
    assert not type(cases[0]).objects.filter(any_of("number", [])).exists()
    assert CaseStep.objects.filter(any_of("external_id", [])).update(note="x") == 0
    updated = CaseDeadline.objects.filter(any_of("case_id", [cases[0].pk]), is_open=True).update(is_open=False)
    assert updated == 1 and CaseDeadline.objects.filter(is_open=False).count() == 1


def test_insert_and_update_rows_store_what_the_orm_reads_back(world, cases):
    rule = DeadlineRule.objects.first()
    trigger = CaseStep.objects.get(case=cases[0])
    day, later = date(2026, 3, 9), date(2026, 3, 16)
    rows = [(case.pk, rule.pk, trigger.pk, day, rule.to_step_id, later if n % 2 else day, case.officer_id,
             case.unit_id, True, None, None) for n, case in enumerate(cases)]
    fields = ("case_id", "rule_id", "trigger_id", "trigger_date", "expected_id", "due_date", "officer_id",
              "unit_id", "is_open", "met_by_id", "met_on")
    assert insert_rows(CaseDeadline, fields, rows, returning=False) == []
    saved = CaseDeadline.objects.filter(trigger_date=day, rule=rule).order_by("case_id")
    assert [(d.case_id, d.due_date, d.is_open, d.met_on) for d in saved] == [
        (case.pk, later if n % 2 else day, True, None) for n, case in enumerate(cases)]
    met = date(2026, 3, 10)
    assert update_rows(CaseDeadline, ("is_open", "met_by_id", "met_on"),
                       [(d.pk, False, trigger.pk, met) for d in saved]) == len(cases)
    assert {(d.is_open, d.met_by_id, d.met_on) for d in saved.all()} == {(False, trigger.pk, met)}
