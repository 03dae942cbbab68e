"""The course grade from its quiz lessons, computed by hand on a small course."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from learning import selectors, services
from learning.models import Course, Lesson
from quizzes.models import Attempt, GradingMethod, Quiz

pytestmark = pytest.mark.django_db


def _graded_course(world) -> tuple[Course, list[Lesson]]:  # noqa: ANN001
    """Two quiz lessons (weights 1 and 3): quiz 1 graded by its highest attempt, quiz 2 by its last."""
    course = services.course_create(by=world.user("trainer"), code="G1", title="Khóa có điểm",
                                    category="e_office")
    module = services.module_save(course=course, title="Phần 1")
    services.lesson_save(module=module, title="Đọc", kind=Lesson.Kind.TEXT, body="Nội dung")
    first = services.lesson_save(module=module, title="Kiểm tra 1", kind=Lesson.Kind.QUIZ, grade_weight=1)
    second = services.lesson_save(module=module, title="Kiểm tra 2", kind=Lesson.Kind.QUIZ, grade_weight=3)
    Quiz.objects.create(title="KT1", lesson=first, grading_method=GradingMethod.HIGHEST, attempts_allowed=0)
    Quiz.objects.create(title="KT2", lesson=second, grading_method=GradingMethod.LAST, attempts_allowed=0)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)
    course.refresh_from_db()
    return course, [first, second]


def _attempt(officer, lesson: Lesson, number: int, percent: str) -> None:  # noqa: ANN001
    Attempt.objects.create(quiz=lesson.quiz, officer=officer, number=number, state=Attempt.State.FINISHED,
                           started_at=timezone.now(), finished_at=timezone.now(), percent=Decimal(percent),
                           max_score=10, score=Decimal(percent) / 10)


def test_course_grade_is_the_mean_or_the_weighted_mean_of_the_quiz_grades(world, client_for):
    officer, other = world.officers["officer"], world.officers["other_a1"]
    course, (first, second) = _graded_course(world)
    for person in (officer, other):
        services.enrollment_self_enroll(officer=person, course=course)
    _attempt(officer, first, 1, "60")
    _attempt(officer, first, 2, "90")   # quiz 1 (highest): 90
    _attempt(officer, second, 1, "80")
    _attempt(officer, second, 2, "70")  # quiz 2 (last): 70
    _attempt(other, first, 1, "40")     # quiz 2 not taken: left out
    grades = selectors.course_grades(course=course, officer_ids=[officer.pk, other.pk])
    assert grades == {officer.pk: Decimal("80.0"), other.pk: Decimal("40.0")}  # (90 + 70) / 2
    page = client_for("officer").get(reverse("learning:course-detail", kwargs={"pk": course.pk})).content.decode()
    assert "Điểm khóa học: <strong>80,0/100</strong>" in page

    Course.objects.filter(pk=course.pk).update(grade_method=Course.GradeMethod.WEIGHTED)
    course.refresh_from_db()
    grades = selectors.course_grades(course=course, officer_ids=[officer.pk, other.pk])
    assert grades[officer.pk] == Decimal("75.0")  # (1 × 90 + 3 × 70) / 4

    report = client_for("trainer").get(reverse("learning:report-officers", kwargs={"course": course.pk}))
    body = report.content.decode()
    assert "Điểm khóa học" in body and "75,0" in body and "40,0" in body
    export = client_for("trainer").get(reverse("learning:report-export"), {"course": course.pk})
    rows = list(load_workbook(io.BytesIO(export.content))["Chi tiết cán bộ"].iter_rows(values_only=True))
    column = rows[0].index("Điểm khóa học (%)")
    assert {row[0]: row[column] for row in rows[1:]} == {"Nguyễn Văn Á": 75.0, "Trần Thị OTHER_A1": 40.0}


def test_course_without_quiz_has_no_grade_line(world, client_for):
    from learning.tests.factories import make_course

    officer = world.officers["officer"]
    course = make_course(code="NG", lessons=1)
    services.enrollment_self_enroll(officer=officer, course=course)
    assert selectors.course_grades(course=course, officer_ids=[officer.pk]) == {}
    page = client_for("officer").get(reverse("learning:course-detail", kwargs={"pk": course.pk})).content.decode()
    assert "Điểm khóa học" not in page


def test_officer_without_graded_quiz_is_told_so(world, client_for):
    officer = world.officers["officer"]
    course, _lessons = _graded_course(world)
    services.enrollment_self_enroll(officer=officer, course=course)
    page = client_for("officer").get(reverse("learning:course-detail", kwargs={"pk": course.pk})).content.decode()
    assert "Điểm khóa học: chưa có bài kiểm tra nào được chấm" in page
