from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from org import services as org_services
from learning import links, selectors, services
from learning.models import Certificate, Enrollment, Lesson, LessonProgress, Notification
from learning.tests.factories import due_in, make_course

pytestmark = pytest.mark.django_db


def test_assignment_enrolls_subtree_and_positions_idempotently(world):
    course = make_course()
    assignment = services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10),
                                            positions=[world.positions["clerk"], world.positions["enforcement_officer"]])
    enrolled = set(Enrollment.objects.filter(course=course).values_list("officer_id", flat=True))
    # officer (A, enforcement officer) and other_a1 (A1, clerk); not the head of A, not B.
    assert enrolled == {world.officers["officer"].pk, world.officers["other_a1"].pk}
    assert services.assignment_sync_enrollments(assignment=assignment) == 0
    assert Enrollment.objects.filter(course=course).count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.ASSIGNED).count() == 2


def test_officer_joining_later_is_enrolled(world):
    course = make_course()
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10))
    newcomer = org_services.officer_create(full_name="Lâm Thị Mới", email="moi@moj.gov.vn", unit=world.units["A1"],
                                           position=world.positions["clerk"])
    assert Enrollment.objects.filter(course=course, officer=newcomer, due_date=due_in(10)).exists()
    mover = world.officers["other_b"]
    org_services.officer_update(officer=mover, unit=world.units["A"])
    assert Enrollment.objects.filter(course=course, officer=mover).exists()


def test_draft_course_cannot_be_assigned(world):
    course = make_course(publish=False)
    with pytest.raises(services.LearningError):
        services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(3))


def test_completion_issues_certificate_once(world):
    officer = world.officers["officer"]
    course = make_course(lessons=2)
    services.enrollment_self_enroll(officer=officer, course=course)
    first, second = course.lessons.in_order()
    services.lesson_progress_complete(officer=officer, lesson=first)
    enrollment = Enrollment.objects.get(officer=officer, course=course)
    assert enrollment.progress_percent == 50 and enrollment.completed_at is None
    services.lesson_progress_complete(officer=officer, lesson=second)
    services.lesson_progress_complete(officer=officer, lesson=second)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None and enrollment.progress_percent == 100
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.officer_name == "Nguyễn Văn Á"
    assert len(certificate.code) == 12


def test_quiz_lesson_only_completed_by_quiz(world):
    officer = world.officers["officer"]
    course = make_course(lessons=1, quiz=True)
    services.enrollment_self_enroll(officer=officer, course=course)
    text, quiz = course.lessons.in_order()
    services.lesson_progress_complete(officer=officer, lesson=text)
    with pytest.raises(services.LearningError):
        services.lesson_progress_complete(officer=officer, lesson=quiz)
    assert not Enrollment.objects.get(course=course).completed_at
    progress = services.lesson_progress_complete(officer=officer, lesson=quiz, source="quiz")
    assert progress.source == "quiz"
    assert Enrollment.objects.get(course=course).completed_at is not None


def test_quiz_pass_enrolls_an_officer_not_yet_enrolled(world):
    officer = world.officers["other_b"]
    course = make_course(lessons=0, quiz=True)
    services.lesson_progress_complete(officer=officer, lesson=course.lessons.get(), source="quiz")
    assert Enrollment.objects.get(officer=officer, course=course).completed_at is not None


def test_prerequisites_are_enforced_with_a_clear_message(world):
    officer = world.officers["officer"]
    basics = make_course(code="IU01", title="Hiểu biết về CNTT cơ bản")
    advanced = make_course(code="CKS")
    advanced.prerequisites.add(basics)
    with pytest.raises(services.LearningError, match="Hiểu biết về CNTT cơ bản"):
        services.enrollment_self_enroll(officer=officer, course=advanced)
    # An assignment enrols anyway, but lessons stay closed until the prerequisite is done.
    services.assignment_create(course=advanced, unit=world.units["A"], due_date=due_in(5))
    with pytest.raises(services.LearningError, match="Hiểu biết về CNTT cơ bản"):
        services.lesson_open(officer=officer, lesson=advanced.lessons.first())
    services.enrollment_self_enroll(officer=officer, course=basics)
    for lesson in basics.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    assert services.lesson_open(officer=officer, lesson=advanced.lessons.first())


def test_editing_a_published_course_keeps_progress_and_certificates(world):
    officer, other = world.officers["officer"], world.officers["other_a1"]
    course = make_course(lessons=2)
    for person in (officer, other):
        services.enrollment_self_enroll(officer=person, course=course)
    lessons = list(course.lessons.in_order())
    for lesson in lessons:
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    services.lesson_progress_complete(officer=other, lesson=lessons[0])
    module = course.modules.first()
    services.lesson_save(module=module, title="Bài mới", kind=Lesson.Kind.TEXT, body="Mới")
    done = Enrollment.objects.get(officer=officer)
    half = Enrollment.objects.get(officer=other)
    assert done.completed_at is not None and done.progress_percent == 100
    assert half.progress_percent == 33
    # Removing a lesson someone opened archives it; their history stays.
    assert services.lesson_remove(lesson=lessons[0]) is False
    assert LessonProgress.objects.filter(lesson=lessons[0]).count() == 2
    half.refresh_from_db()
    assert half.progress_percent == 0
    services.course_unpublish(course=course)
    assert Certificate.objects.filter(officer=officer, course=course).exists()
    assert LessonProgress.objects.filter(enrollment=half).count() == 1
    assert selectors.enrollment_groups_for_officer(officer=other)["open"][0].course == course


def test_resume_points_to_last_opened_unfinished_lesson(world):
    officer = world.officers["officer"]
    course = make_course(lessons=3)
    enrollment = services.enrollment_self_enroll(officer=officer, course=course)
    first, second, third = course.lessons.in_order()
    assert selectors.lesson_resume(enrollment=enrollment) == first
    services.lesson_open(officer=officer, lesson=third)
    enrollment.refresh_from_db()
    assert selectors.lesson_resume(enrollment=enrollment) == third
    services.lesson_progress_complete(officer=officer, lesson=third)
    enrollment.refresh_from_db()
    assert selectors.lesson_resume(enrollment=enrollment) == first


def test_time_spent_is_capped_per_report(world):
    officer = world.officers["officer"]
    course = make_course(lessons=1)
    services.enrollment_self_enroll(officer=officer, course=course)
    lesson = course.lessons.get()
    services.lesson_open(officer=officer, lesson=lesson)
    services.lesson_time_add(officer=officer, lesson=lesson, seconds=60)
    services.lesson_time_add(officer=officer, lesson=lesson, seconds=100000)
    assert LessonProgress.objects.get(lesson=lesson).time_spent_seconds == 60 + services.MAX_HEARTBEAT_SECONDS


def test_reminders_never_send_twice(world, django_capture_on_commit_callbacks):
    course = make_course()
    soon = services.assignment_create(course=course, unit=world.units["A1"], due_date=due_in(2))
    late_course = make_course(code="C2", title="Hộp thư công vụ")
    services.assignment_create(course=late_course, unit=world.units["A"], due_date=due_in(0))
    mail.outbox.clear()
    tomorrow_plus = timezone.localdate() + dt.timedelta(days=1)  # the site's date, as due_in() uses
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminders_send(today=tomorrow_plus)
    assert first["due_soon"] == 1  # other_a1, course due in 2 days
    assert first["overdue"] == 3  # everyone in A's subtree for the course due today
    assert first["digest"] == 1  # the manager of A
    digest = Notification.objects.get(kind=Notification.Kind.DIGEST)
    assert "Trần Thị OTHER_A1" in digest.body
    sent = len(mail.outbox)
    assigned = Notification.objects.filter(kind=Notification.Kind.ASSIGNED).count()
    assert assigned == 4  # other_a1 for the first course, A's three officers for the second
    assert sent == 5 + assigned  # the reminders and the digest, and "new course assigned" (e-mailed by the run)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", tomorrow_plus.isoformat(), verbosity=0)
        again = services.reminders_send(today=tomorrow_plus)
    assert again["due_soon"] == again["overdue"] == again["digest"] == 0
    assert len(mail.outbox) == sent
    assert soon.enrollments.count() == 1


def test_recertification_starts_a_new_cycle_and_keeps_history(world):
    officer = world.officers["officer"]
    course = make_course(lessons=1)
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(5), recertify_months=12)
    services.lesson_progress_complete(officer=officer, lesson=course.lessons.get())
    certificate = Certificate.objects.get(officer=officer)
    assert certificate.valid_until is not None
    later = certificate.valid_until - dt.timedelta(days=10)
    assert services.enrollment_recertify_due(today=later) == 1  # only the officer who completed
    assert services.enrollment_recertify_due(today=later) == 0
    current = Enrollment.objects.current().get(officer=officer, course=course)
    assert current.cycle == 2 and current.completed_at is None and current.due_date == certificate.valid_until
    assert Enrollment.objects.filter(officer=officer, course=course).count() == 2


def test_lesson_link_registry(world, rf):
    course = make_course(lessons=0, quiz=True)
    lesson = course.lessons.get()
    assert links.lesson_link(lesson, rf.get("/")) is None

    def provider(candidate, request):  # noqa: ANN001, ANN202
        return ("/quizzes/1/", "Làm bài kiểm tra") if candidate.pk == lesson.pk else None

    links.register_lesson_link(provider)
    try:
        assert links.lesson_link(lesson, rf.get("/")) == ("/quizzes/1/", "Làm bài kiểm tra")
    finally:
        links.unregister_lesson_link(provider)


def test_report_funnel_counts_within_scope(world):
    course = make_course(lessons=1)
    services.assignment_create(course=course, unit=world.units["P"], due_date=due_in(1))
    services.lesson_progress_complete(officer=world.officers["officer"], lesson=course.lessons.get())
    manager = world.user("unit_manager")
    rows = selectors.report_funnel(user=manager, today=due_in(2))
    units = {row["officer__unit__name"] for row in rows}
    assert units == {"Chi cục A", "Tổ A1"}
    a_row = next(row for row in rows if row["officer__unit__name"] == "Chi cục A")
    assert (a_row["assigned"], a_row["started"], a_row["completed"], a_row["overdue"]) == (2, 1, 1, 1)
    leader_rows = selectors.report_funnel(user=world.user("provincial_leader"))
    assert sum(row["assigned"] for row in leader_rows) == 9
    judge_rows = selectors.report_funnel(user=world.user("judge"))
    assert [(row["officer__unit__name"], row["assigned"]) for row in judge_rows] == [("Cục THADS tỉnh P", 1)]
