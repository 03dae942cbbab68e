"""A trainer marks a learner's lesson or course done by hand: audited, and only for courses they teach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from learning import services
from learning.models import Certificate, Course, Enrollment, Lesson, LessonProgress
from learning.tests.factories import make_course

pytestmark = pytest.mark.django_db


def _course_for(trainer_user, code: str = "MC") -> Course:  # noqa: ANN001
    course = make_course(code=code, lessons=2, created_by=trainer_user)
    Lesson.objects.filter(course=course).update(completion_rule=Lesson.CompletionRule.TRAINER)
    return course


def test_trainer_marks_a_lesson_and_the_audit_keeps_before_and_after(world, client_for):
    officer = world.officers["officer"]
    course = _course_for(world.user("trainer"))
    enrollment = services.enrollment_self_enroll(officer=officer, course=course)
    lesson = course.lessons.first()
    client = client_for("trainer")
    url = reverse("learning:enrollment-completion", kwargs={"pk": enrollment.pk})
    page = client.get(url).content.decode()
    assert "Nguyễn Văn Á" in page and "giảng viên xác nhận" in page
    client.post(url, {"lesson": lesson.pk})
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert progress.source == LessonProgress.Source.TRAINER and progress.completed_at
    event = AuditEvent.objects.get(action=AuditEvent.Action.COMPLETION_MARKED)
    assert event.actor == world.user("trainer")
    assert event.detail["before"] == {"completed": False} and event.detail["after"] == {"completed": True}
    assert event.detail["lesson"] == lesson.title
    assert "Nguyễn Văn Á" in event.target
    from core.templatetags.audit_text import audit_detail

    assert audit_detail(event.detail) == ("Trước: Đã xác nhận hoàn thành: không · Sau: Đã xác nhận hoàn thành: có · "
                                          f"Bài học: {lesson.title}")
    # Marking it again changes nothing and adds no entry.
    client.post(url, {"lesson": lesson.pk})
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COMPLETION_MARKED).count() == 1
    assert Enrollment.objects.get(pk=enrollment.pk).progress_percent == 50


def test_trainer_marks_the_whole_course_after_confirming(world, client_for):
    officer = world.officers["other_b"]  # outside the trainer's unit? the trainer is at province level
    course = _course_for(world.user("trainer"))
    enrollment = services.enrollment_self_enroll(officer=officer, course=course)
    url = reverse("learning:enrollment-completion", kwargs={"pk": enrollment.pk})
    client = client_for("trainer")
    confirm = client.post(url, {"whole": "yes"})
    assert confirm.status_code == 200 and "Đồng ý xác nhận hoàn thành" in confirm.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is None
    client.post(url, {"whole": "yes", "confirm": "yes"})
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None and enrollment.progress_percent == 100
    assert Certificate.objects.filter(enrollment=enrollment).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.COMPLETION_MARKED)
    assert event.detail["before"] == {"progress_percent": 0, "completed": False}
    assert event.detail["after"] == {"progress_percent": 100, "completed": True}
    assert event.detail["lessons_marked"] == ["Bài 1", "Bài 2"]


def test_branch_trainer_marks_only_in_courses_they_teach_whatever_the_learners_unit(world, branch_trainer,
                                                                                     client_for):
    from django.test import Client

    course = _course_for(world.user("trainer"))
    # other_a1 is in division A1, the branch trainer's own unit: the unit does not grant the right.
    enrollment = services.enrollment_self_enroll(officer=world.officers["other_a1"], course=course)
    client = Client()
    client.force_login(branch_trainer.user)
    url = reverse("learning:enrollment-completion", kwargs={"pk": enrollment.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"lesson": course.lessons.first().pk}).status_code == 404
    assert not LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COMPLETION_MARKED).exists()
    # Made a co-trainer, they may, also for a learner in branch A outside their unit subtree.
    course.co_trainers.add(branch_trainer.user)
    other = services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    url = reverse("learning:enrollment-completion", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 200
    client.post(url, {"lesson": course.lessons.first().pk})
    assert LessonProgress.objects.get(enrollment=other, lesson=course.lessons.first()).source == "trainer"
    assert AuditEvent.objects.get(action=AuditEvent.Action.COMPLETION_MARKED).actor == branch_trainer.user


def test_officer_and_manager_cannot_mark(world, client_for):
    course = _course_for(world.user("trainer"))
    enrollment = services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    url = reverse("learning:enrollment-completion", kwargs={"pk": enrollment.pk})
    for role in ("officer", "unit_manager"):
        assert client_for(role).post(url, {"lesson": course.lessons.first().pk}).status_code in (403, 404)
    assert not LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).exists()


def test_report_links_to_marking_only_for_the_courses_trainer(world, client_for):
    course = _course_for(world.user("trainer"))
    enrollment = services.enrollment_self_enroll(officer=world.officers["officer"], course=course)
    link = reverse("learning:enrollment-completion", kwargs={"pk": enrollment.pk})
    report = reverse("learning:report-officers", kwargs={"course": course.pk})
    assert link in client_for("trainer").get(report).content.decode()
    assert link not in client_for("provincial_leader").get(report).content.decode()
