"""Changes that must leave a trace in the audit log with what they were and what they became."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from core.models import AuditEvent


def latest(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def test_a_hand_mark_keeps_the_old_mark(world):
    from quizzes import services
    from quizzes.tests import factories
    from quizzes.tests.test_services_attempts import answer, right_answers

    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=factories.all_types_quiz(), officer=officer)
    for index, raw in right_answers(attempt).items():
        answer(attempt, index, officer.user, **raw)
    attempt = services.attempt_submit(attempt=attempt)
    essay = attempt.answers.get(version__qtype="essay")
    trainer = world.user("trainer")
    services.answer_grade_manual(answer=essay, mark=Decimal("0.5"), by=trainer, comment="Khá")
    services.answer_grade_manual(answer=essay, mark=Decimal("1"), by=world.user("admin"), comment="Tốt")
    first, second = AuditEvent.objects.filter(action=AuditEvent.Action.GRADE_CHANGED).order_by("id")
    assert first.actor == trainer
    assert first.detail["before"]["mark"] is None and first.detail["after"]["mark"] == "0.5000"
    assert second.actor == world.user("admin")
    assert second.detail["before"] == {"mark": "0.5000", "comment": "Khá", "graded_by": trainer.pk}
    assert second.detail["after"]["mark"] == "1.0000" and second.detail["after"]["comment"] == "Tốt"
    assert second.detail["attempt"] == attempt.pk


def test_certificate_revocation_records_who_revoked_and_why(world, client_for):
    from learning import services
    from learning.models import Certificate
    from learning.tests.factories import make_course

    officer = world.officers["officer"]
    course = make_course(code="AU1")
    services.enrollment_self_enroll(officer=officer, course=course)
    for lesson in course.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    certificate = Certificate.objects.get(officer=officer, course=course)
    response = client_for("trainer").post(reverse("learning:certificate-revoke", kwargs={"code": certificate.code}),
                                          {"reason": "Cấp nhầm"}, REMOTE_ADDR="198.51.100.31")
    assert response.status_code == 302
    event = latest(AuditEvent.Action.CERTIFICATE_REVOKED)
    assert event.actor == world.user("trainer")
    assert event.ip == "198.51.100.31"
    assert event.target == certificate.code
    assert event.detail["before"] == {"revoked_at": None}
    assert event.detail["after"]["reason"] == "Cấp nhầm"
    assert event.detail["holder"] == officer.email


def test_a_step_correction_keeps_the_old_date(world):
    from cases import services
    from cases.tests.factories import make_case, step_type
    from cases.tests.test_services_steps import record

    case = make_case(world, "A", number="AU/2026")
    step = record(case, "decision", date(2026, 3, 3), date(2026, 3, 9), world.officers["officer"])
    services.case_step_correct(step=step, legal_date=date(2026, 3, 6), step_type=step_type("decision"),
                               note="sai ngày", by=world.officers["unit_manager"])
    event = latest(AuditEvent.Action.STEP_CORRECTED)
    assert event.target == "AU/2026 · decision"
    assert event.detail["before"]["legal_date"] == "2026-03-03"
    assert event.detail["after"]["legal_date"] == "2026-03-06"
    assert event.detail["supersedes"] == step.pk


def test_calendar_and_deadline_rule_changes_are_recorded(world):
    from cases import services
    from cases.models import DeadlineRule

    saved = services.calendar_day_save(override=None, day=date(2026, 3, 7), kind="working_day", note="làm bù").instance
    created = latest(AuditEvent.Action.CALENDAR_CHANGED)
    assert created.detail["before"] is None and created.detail["after"]["date"] == "2026-03-07"
    services.calendar_day_save(override=saved, day=date(2026, 3, 14), kind="working_day", note="làm bù")
    moved = latest(AuditEvent.Action.CALENDAR_CHANGED)
    assert moved.detail["before"] == {"date": "2026-03-07"} and moved.detail["after"] == {"date": "2026-03-14"}
    services.calendar_override_delete(override=saved)
    deleted = latest(AuditEvent.Action.CALENDAR_CHANGED)
    assert deleted.detail["before"]["kind"] == "working_day" and deleted.detail["after"] is None

    rule = DeadlineRule.objects.filter(is_active=True).first()
    old_period = rule.period
    services.deadline_rule_save(rule=rule, period=old_period + 2)
    event = latest(AuditEvent.Action.DEADLINE_RULE_CHANGED)
    assert event.detail["before"] == {"period": old_period}
    assert event.detail["after"] == {"period": old_period + 2}


def test_unit_renames_and_moves_and_officer_deactivation_are_recorded(world):
    from org import services

    unit = world.units["A1"]
    services.unit_update(unit=unit, code="A1", name="Tổ A1 mới", kind=unit.kind, parent=world.units["B"],
                         is_active=True)
    event = latest(AuditEvent.Action.UNIT_CHANGED)
    assert event.target == "A1"
    assert event.detail["before"] == {"name": "Tổ A1", "parent": "A"}
    assert event.detail["after"] == {"name": "Tổ A1 mới", "parent": "B"}
    officer = world.officers["other_b"]
    services.officer_update(officer=officer, is_active=False)
    event = latest(AuditEvent.Action.OFFICER_DEACTIVATED)
    assert event.target == officer.email
    assert event.detail["before"] == {"is_active": True} and event.detail["after"] == {"is_active": False}


def test_saving_without_a_change_records_nothing(world):
    from org import services

    unit = world.units["B"]
    before = AuditEvent.objects.count()
    services.unit_update(unit=unit, code=unit.code, name=unit.name, kind=unit.kind, parent=unit.parent,
                         is_active=True)
    assert AuditEvent.objects.count() == before
