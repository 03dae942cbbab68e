"""Reads owned by learning. Lists load what they show in a fixed number of queries, whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from org.models import Officer
from org.selectors import scope_filter, unit_list_visible
from learning.models import Assignment, Certificate, Course, Enrollment, Lesson, LessonProgress, Module, Notification


class EnrollmentStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"


def my_courses(*, officer: Officer, today: dt.date | None = None) -> dict[str, list[Enrollment]]:
    """The officer's current enrollments split into open (due date first) and completed (newest first)."""
    today = today or timezone.localdate()
    rows = list(Enrollment.objects.current().filter(officer=officer).select_related("course", "last_lesson",
                                                                                     "certificate"))
    open_rows = [row for row in rows if row.completed_at is None]
    for row in open_rows:
        row.is_overdue = bool(row.due_date and row.due_date < today)
        row.days_left = (row.due_date - today).days if row.due_date else None
    open_rows.sort(key=lambda row: (row.due_date is None, row.due_date or dt.date.max, row.course.title))
    done = sorted((row for row in rows if row.completed_at is not None), key=lambda row: row.completed_at,
                  reverse=True)
    return {"open": open_rows, "completed": done}


def certificate_list_for_officer(*, officer: Officer) -> QuerySet[Certificate]:
    return Certificate.objects.filter(officer=officer).order_by("-issued_on", "-pk")


def course_catalogue(*, officer: Officer | None, category: str = "", query: str = "") -> QuerySet[Course]:
    """Published courses, each annotated with `is_enrolled` for the officer and its lesson count."""
    courses = Course.objects.published().annotate(
        lesson_count=Count("lessons", filter=Q(lessons__is_archived=False), distinct=True)
    )
    if officer is not None:
        courses = courses.annotate(is_enrolled=Exists(
            Enrollment.objects.current().filter(officer=officer, course=OuterRef("pk"))
        ))
    if category:
        courses = courses.filter(category=category)
    if query:
        courses = courses.filter(Q(title__icontains=query) | Q(code__icontains=query) | Q(skill_tags__icontains=query))
    return courses.order_by("category", "code")


def course_list_for_trainer() -> QuerySet[Course]:
    """Every course with its counts, for the trainers' course list."""
    return Course.objects.annotate(
        lesson_count=Count("lessons", filter=Q(lessons__is_archived=False), distinct=True),
        enrollment_count=Count("enrollments", filter=Q(enrollments__is_current=True), distinct=True),
    ).order_by("status", "category", "code")


def current_enrollment(*, officer: Officer | None, course: Course) -> Enrollment | None:
    if officer is None:
        return None
    return Enrollment.objects.current().filter(officer=officer, course=course).select_related("certificate").first()


@dataclass
class OutlineLesson:
    lesson: Lesson
    progress: LessonProgress | None

    @property
    def is_completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


def course_outline(*, course: Course, enrollment: Enrollment | None = None,
                   include_archived: bool = False) -> list[tuple[Module, list[OutlineLesson]]]:
    """Modules in order with their lessons and the enrollment's progress on each (three queries)."""
    lessons = Lesson.objects.filter(course=course).order_by("position", "pk")
    if not include_archived:
        lessons = lessons.active()
    modules = list(course.modules.order_by("position", "pk").prefetch_related(Prefetch("lessons", queryset=lessons)))
    progress = {}
    if enrollment is not None:
        progress = {row.lesson_id: row for row in LessonProgress.objects.filter(enrollment=enrollment)}
    return [(module, [OutlineLesson(lesson, progress.get(lesson.pk)) for lesson in module.lessons.all()])
            for module in modules]


def lessons_in_order(*, course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(course=course).active().in_order().select_related("module"))


def lesson_resume(*, enrollment: Enrollment) -> Lesson | None:
    """Where to continue: the last opened lesson if not done, else the first unfinished one, else the first."""
    lessons = lessons_in_order(course=enrollment.course)
    if not lessons:
        return None
    done = set(LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False)
               .values_list("lesson_id", flat=True))
    by_id = {lesson.pk: lesson for lesson in lessons}
    if enrollment.last_lesson_id in by_id and enrollment.last_lesson_id not in done:
        return by_id[enrollment.last_lesson_id]
    for lesson in lessons:
        if lesson.pk not in done:
            return lesson
    return lessons[0]


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    lessons = lessons_in_order(course=lesson.course)
    ids = [other.pk for other in lessons]
    if lesson.pk not in ids:
        return None, None
    index = ids.index(lesson.pk)
    return (lessons[index - 1] if index > 0 else None, lessons[index + 1] if index + 1 < len(lessons) else None)


def certificate_by_code(*, code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper()).first()


def notification_list(*, user) -> QuerySet[Notification]:  # noqa: ANN001
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_unread_count(*, user) -> int:  # noqa: ANN001
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def assignment_list_visible(*, user) -> QuerySet[Assignment]:  # noqa: ANN001
    """Assignments whose unit is within the user's scope, with counts of their enrollments."""
    today = timezone.localdate()
    return (
        Assignment.objects.filter(unit__in=unit_list_visible(user=user).values("pk"))
        .select_related("course", "unit", "created_by")
        .prefetch_related("positions")
        .annotate(
            enrolled=Count("enrollments", filter=Q(enrollments__is_current=True)),
            completed=Count("enrollments", filter=Q(enrollments__is_current=True,
                                                    enrollments__completed_at__isnull=False)),
            overdue=Count("enrollments", filter=Q(enrollments__is_current=True,
                                                  enrollments__completed_at__isnull=True,
                                                  enrollments__due_date__lt=today)),
        )
        .order_by("-created_at")
    )


# --- Reports ------------------------------------------------------------------------------------

def _scoped_enrollments(*, user) -> QuerySet[Enrollment]:  # noqa: ANN001
    return Enrollment.objects.current().filter(scope_filter(user=user, unit_field="officer__unit",
                                                            officer_field="officer"))


def report_funnel(*, user, course_id: int | None = None, unit_id: int | None = None,
                  today: dt.date | None = None) -> list[dict]:  # noqa: ANN001
    """Per course × unit (the officer's own unit) within the user's scope: assigned → started → completed,
    and overdue. One aggregate query. `unit_id` limits to that unit's subtree."""
    today = today or timezone.localdate()
    enrollments = _scoped_enrollments(user=user)
    if course_id:
        enrollments = enrollments.filter(course_id=course_id)
    if unit_id:
        unit = unit_list_visible(user=user).filter(pk=unit_id).only("path").first()
        enrollments = enrollments.filter(officer__unit__path__startswith=unit.path) if unit else enrollments.none()
    rows = (
        enrollments.values("course_id", "course__code", "course__title", "officer__unit_id", "officer__unit__name",
                           "officer__unit__path")
        .annotate(
            assigned=Count("pk"),
            started=Count("pk", filter=Q(started_at__isnull=False) | Q(completed_at__isnull=False)),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            overdue=Count("pk", filter=Q(completed_at__isnull=True, due_date__lt=today)),
        )
        .order_by("course__code", "officer__unit__path")
    )
    result = []
    for row in rows:
        row["completion_percent"] = round(100 * row["completed"] / row["assigned"]) if row["assigned"] else 0
        result.append(row)
    return result


def report_officers(*, user, course_id: int, unit_id: int | None = None, status: str = "",
                    today: dt.date | None = None) -> QuerySet[Enrollment]:  # noqa: ANN001
    """The enrollments behind a funnel cell, within scope: status is one of EnrollmentStatus or empty."""
    today = today or timezone.localdate()
    enrollments = _scoped_enrollments(user=user).filter(course_id=course_id)
    if unit_id:
        enrollments = enrollments.filter(officer__unit_id=unit_id)
    if status == EnrollmentStatus.COMPLETED:
        enrollments = enrollments.filter(completed_at__isnull=False)
    elif status == EnrollmentStatus.OVERDUE:
        enrollments = enrollments.filter(completed_at__isnull=True, due_date__lt=today)
    elif status == EnrollmentStatus.IN_PROGRESS:
        enrollments = enrollments.filter(completed_at__isnull=True, started_at__isnull=False)
    elif status == EnrollmentStatus.NOT_STARTED:
        enrollments = enrollments.filter(completed_at__isnull=True, started_at__isnull=True)
    return enrollments.select_related("officer__unit", "officer__position", "course").order_by(
        "officer__unit__path", "officer__full_name")


def report_courses(*, user) -> QuerySet[Course]:  # noqa: ANN001
    """Courses offered in the report filter: all of them (a scan of enrollments per page view would grow with data)."""
    return Course.objects.order_by("code")
