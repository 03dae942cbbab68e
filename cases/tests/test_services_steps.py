from __future__ import annotations

from datetime import date

import pytest

from cases import services
from cases.models import CaseDeadline, CaseStatus, CaseStep, DeadlineRule
from cases.tests.factories import local_moment, make_case, step_type


def record(case, code, legal, recorded, by):  # noqa: ANN001, ANN201
    return services.case_step_record(case=case, step_type=step_type(code), legal_date=legal, by=by,
                                     recorded_at=local_moment(recorded))


@pytest.fixture
def case(world):  # noqa: ANN001, ANN201
    return make_case(world)  # intake Mon 2/3/2026


def test_intake_opens_the_decision_deadline_five_working_days_later(case):
    deadline = CaseDeadline.objects.get(case=case)
    assert deadline.expected.code == "decision"
    assert deadline.due_date == date(2026, 3, 9)
    assert deadline.is_open and deadline.officer == case.officer


def test_ex_officio_case_uses_its_own_rule(world):
    case = make_case(world, number="9/CĐ", kind="ex_officio")
    assert CaseDeadline.objects.get(case=case).rule.article.endswith("Điều 36 khoản 2")


def test_a_decision_meets_the_deadline_and_opens_two_more(case, world):
    step = record(case, "decision", date(2026, 3, 3), date(2026, 3, 4), world.officers["officer"])
    assert step.lag_working_days == 1 and step.on_time
    first = CaseDeadline.objects.get(case=case, expected__code="decision")
    assert not first.is_open and first.met_by == step and first.met_on == date(2026, 3, 3)
    due = dict(CaseDeadline.objects.filter(case=case, is_open=True).values_list("expected__code", "due_date"))
    assert due == {"procuracy": date(2026, 3, 6), "notification": date(2026, 3, 6)}


def test_late_recording_is_not_on_time(case, world):
    step = record(case, "decision", date(2026, 3, 4), date(2026, 3, 9), world.officers["officer"])
    assert step.lag_working_days == 3 and not step.on_time


def test_on_time_rule_is_configurable_per_step_type(case, world):
    decision = step_type("decision")
    decision.on_time_within = 3
    decision.save()
    step = record(case, "decision", date(2026, 3, 4), date(2026, 3, 9), world.officers["officer"])
    assert step.on_time


def test_a_step_recorded_before_the_deadline_trigger_closes_it_when_imported_out_of_order(world):
    case = make_case(world, number="5/A")
    record(case, "notification", date(2026, 3, 5), date(2026, 3, 5), world.officers["officer"])
    record(case, "decision", date(2026, 3, 3), date(2026, 3, 6), world.officers["officer"])
    notification = CaseDeadline.objects.get(case=case, expected__code="notification")
    assert not notification.is_open and notification.met_on == date(2026, 3, 5)


def test_a_step_recorded_late_but_dated_earlier_meets_the_deadline_instead_of_a_later_one(case, world):
    """Deadlines are met by the earliest step, whatever the order of recording (as a rebuild finds them):
    the notification sent on 5/3 but recorded after one of 10/3 makes the deadline met on time."""
    officer = world.officers["officer"]
    record(case, "decision", date(2026, 3, 3), date(2026, 3, 3), officer)
    later = record(case, "notification", date(2026, 3, 10), date(2026, 3, 10), officer)
    deadline = CaseDeadline.objects.get(case=case, expected__code="notification")
    assert (deadline.met_by, deadline.met_on, deadline.due_date) == (later, date(2026, 3, 10), date(2026, 3, 6))
    earlier = record(case, "notification", date(2026, 3, 5), date(2026, 3, 11), officer)
    deadline.refresh_from_db()
    assert (deadline.is_open, deadline.met_by, deadline.met_on) == (False, earlier, date(2026, 3, 5))
    record(case, "notification", date(2026, 3, 6), date(2026, 3, 12), officer)  # later than 5/3: no change
    deadline.refresh_from_db()
    assert deadline.met_by == earlier
    before = sorted(CaseDeadline.objects.filter(case=case).values_list("rule_id", "trigger_id", "met_by_id", "met_on"))
    services.case_deadlines_rebuild(case=case)
    assert sorted(CaseDeadline.objects.filter(case=case).values_list(
        "rule_id", "trigger_id", "met_by_id", "met_on")) == before


def test_future_act_and_closed_case_are_refused(case, world):
    with pytest.raises(services.CaseError):
        record(case, "decision", date(2026, 3, 10), date(2026, 3, 9), world.officers["officer"])
    record(case, "closure", date(2026, 3, 4), date(2026, 3, 4), world.officers["officer"])
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert not CaseDeadline.objects.filter(case=case, is_open=True).exists()
    with pytest.raises(services.CaseError):
        record(case, "verification", date(2026, 3, 5), date(2026, 3, 5), world.officers["officer"])


def test_status_follows_the_step(case, world):
    record(case, "no_means", date(2026, 3, 4), date(2026, 3, 4), world.officers["officer"])
    case.refresh_from_db()
    assert case.status == CaseStatus.NO_MEANS
    due = dict(CaseDeadline.objects.filter(case=case, is_open=True).values_list("expected__code", "due_date"))
    assert due["verification"] == date(2026, 9, 4)  # six months, Friday 4/9/2026 is a working day
    assert due["no_means_published"] == date(2026, 3, 11)


def test_correction_adds_a_version_and_keeps_the_history(case, world):
    step = record(case, "decision", date(2026, 3, 3), date(2026, 3, 9), world.officers["officer"])
    assert step.lag_working_days == 4
    new = services.case_step_correct(step=step, legal_date=date(2026, 3, 6), step_type=step_type("decision"),
                                     note="sai ngày", by=world.officers["unit_manager"])
    step.refresh_from_db()
    assert not step.is_current and new.is_current and new.supersedes == step and new.version == 2
    assert new.recorded_date == date(2026, 3, 9) and new.lag_working_days == 1 and new.on_time
    assert CaseStep.objects.filter(case=case).count() == 3  # intake, old and new decision
    assert CaseDeadline.objects.get(case=case, expected__code="decision").met_by == new
    assert CaseDeadline.objects.get(case=case, expected__code="procuracy").due_date == date(2026, 3, 11)
    with pytest.raises(services.CaseError):
        services.case_step_correct(step=step, legal_date=date(2026, 3, 6), step_type=step_type("decision"),
                                   note="", by=None)


def test_the_2025_law_applies_to_triggers_from_1_july_2026(world):
    DeadlineRule.objects.filter(effective_from=date(2026, 7, 1), from_step__code="intake").update(period=7)
    before = make_case(world, number="30/6", intake=date(2026, 6, 30))
    after = make_case(world, number="1/7", intake=date(2026, 7, 1))
    assert CaseDeadline.objects.get(case=before).due_date == date(2026, 7, 7)   # 5 working days
    assert CaseDeadline.objects.get(case=after).due_date == date(2026, 7, 10)   # 7 working days


def test_recompute_follows_a_new_day_off(case, world):
    from core.models import CalendarOverride

    step = record(case, "decision", date(2026, 3, 3), date(2026, 3, 4), world.officers["officer"])
    CalendarOverride.objects.create(date=date(2026, 3, 4), kind=CalendarOverride.Kind.DAY_OFF)
    changed = services.timeliness_recompute()
    step.refresh_from_db()
    assert changed >= 1 and step.lag_working_days == 0
    assert CaseDeadline.objects.get(case=case, expected__code="procuracy").due_date == date(2026, 3, 9)
    assert services.timeliness_recompute() == 0


def test_case_number_is_unique_within_its_unit(world):
    make_case(world, number="7/A")
    make_case(world, unit_key="B", number="7/A", officer_key="other_b")
    with pytest.raises(services.CaseError):
        make_case(world, number="7/A")
