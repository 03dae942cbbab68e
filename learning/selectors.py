"""Reads owned by learning. Lists load what they show in a fixed number of queries, whatever the data size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.text import fold
from org.models import Officer, Unit
from org.selectors import scope_filter, scope_for, teaches_courses, unit_list_visible
from learning.models import (
    Assignment,
    Certificate,
    Course,
    Enrollment,
    EnrollmentCount,
    Lesson,
    LessonProgress,
    Module,
    Notification,
)


class EnrollmentStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"


def enrollment_groups_for_officer(*, officer: Officer, today: dt.date | None = None) -> dict[str, list[Enrollment]]:
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


def enrollment_current_get(*, officer: Officer | None, course: Course) -> Enrollment | None:
    if officer is None:
        return None
    return Enrollment.objects.current().filter(officer=officer, course=course).select_related("certificate").first()


@dataclass
class OutlineLesson:
    lesson: Lesson
    progress: LessonProgress | None
    # In a course locking its lessons in order: the required lesson to finish first, else None.
    locked_by: Lesson | None = None

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
    outline = [(module, [OutlineLesson(lesson, progress.get(lesson.pk)) for lesson in module.lessons.all()])
               for module in modules]
    if enrollment is not None and course.lock_order:
        blocking = None  # the first required, not completed, active lesson met so far
        for _module, items in outline:
            for item in items:
                if item.lesson.is_archived:
                    continue
                item.locked_by = blocking
                if blocking is None and item.lesson.is_required and not item.is_completed:
                    blocking = item.lesson
    return outline


def lesson_list_in_order(*, course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(course=course).active().in_order().select_related("module"))


def lesson_resume(*, enrollment: Enrollment) -> Lesson | None:
    """Where to continue: the last opened lesson if not done, else the first unfinished one, else the first."""
    lessons = lesson_list_in_order(course=enrollment.course)
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


def lesson_blocking_get(*, enrollment: Enrollment, lesson: Lesson,
                        done: set[int] | None = None) -> Lesson | None:
    """In a course that locks its lessons in order, the first required lesson before `lesson` that the
    enrollment has not completed (the one to finish first); None when the lesson is open."""
    course = lesson.course
    if not course.lock_order:
        return None
    lessons = lesson_list_in_order(course=course)
    ids = [other.pk for other in lessons]
    if lesson.pk not in ids:
        return None
    before = [other for other in lessons[:ids.index(lesson.pk)] if other.is_required]
    if not before:
        return None
    if done is None:
        done = set(LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False,
                                                 lesson__in=[other.pk for other in before])
                   .values_list("lesson_id", flat=True))
    return next((other for other in before if other.pk not in done), None)


def lesson_neighbours(*, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    lessons = lesson_list_in_order(course=lesson.course)
    ids = [other.pk for other in lessons]
    if lesson.pk not in ids:
        return None, None
    index = ids.index(lesson.pk)
    return (lessons[index - 1] if index > 0 else None, lessons[index + 1] if index + 1 < len(lessons) else None)


def certificate_by_code(*, code: str) -> Certificate | None:
    code = normalise_code(code)
    return Certificate.objects.filter(code=code).first() if code else None


def notification_list(*, user) -> QuerySet[Notification]:  # noqa: ANN001
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


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
                                                            officer_field="officer",
                                                            taught=course_taught_filter(user=user)))


def _drill_down_path(*, user, unit_id: int) -> str | None:  # noqa: ANN001
    """The path of a unit to drill into: one within the user's scope or, for a trainer (whose course-based
    scope reaches learners anywhere), any unit — the rows stay limited by scope_filter."""
    units = Unit.objects.all() if teaches_courses(user) else unit_list_visible(user=user)
    return units.filter(pk=unit_id).values_list("path", flat=True).first()


def report_funnel(*, user, course_id: int | None = None, unit_id: int | None = None,
                  today: dt.date | None = None) -> list[dict]:  # noqa: ANN001
    """Per course × unit (the officer's own unit) within the user's scope: assigned → started → completed,
    and overdue. One query on the count table (EnrollmentCount), summed over the unit subtree by path prefix,
    so its cost does not grow with the number of enrollments. `unit_id` limits to that unit's subtree."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    if not scope.everything and scope.unit_path is None and not teaches_courses(user):
        # Only one's own record (or nothing): the count table has no per-officer rows.
        return report_funnel_direct(user=user, course_id=course_id, unit_id=unit_id, today=today)
    counts = EnrollmentCount.objects.filter(scope_filter(user=user, unit_field="unit",
                                                         taught=course_taught_filter(user=user)))
    if course_id:
        counts = counts.filter(course_id=course_id)
    if unit_id:
        path = _drill_down_path(user=user, unit_id=unit_id)
        counts = counts.filter(unit__path__startswith=path) if path else counts.none()
    rows = (
        counts.values("course_id", "course__code", "course__title", "unit_id", "unit__name", "unit__path")
        # overdue first: its F("assigned") must name the column, not the sum annotated after it.
        .annotate(overdue=Coalesce(Sum(F("assigned") - F("completed"), filter=Q(due_date__lt=today)), 0))
        .annotate(assigned=Sum("assigned"), started=Sum("started"), completed=Sum("completed"))
        .filter(assigned__gt=0)
        .order_by("course__code", "unit__path")
    )
    return [_funnel_row(row, course_code=row.pop("course__code"), unit_name=row.pop("unit__name"),
                        unit_path=row.pop("unit__path"), unit_id=row.pop("unit_id")) for row in rows]


def _funnel_row(row: dict, *, course_code: str, unit_name: str, unit_path: str, unit_id: int) -> dict:
    row.update({"course__code": course_code, "officer__unit_id": unit_id, "officer__unit__name": unit_name,
                "officer__unit__path": unit_path})
    row["completion_percent"] = round(100 * row["completed"] / row["assigned"]) if row["assigned"] else 0
    return row


def report_funnel_direct(*, user, course_id: int | None = None, unit_id: int | None = None,
                         today: dt.date | None = None) -> list[dict]:  # noqa: ANN001
    """The same figures as `report_funnel`, aggregated from the enrollments themselves (for an officer's own
    record, and as the reference the count table is checked against)."""
    today = today or timezone.localdate()
    enrollments = _scoped_enrollments(user=user)
    if course_id:
        enrollments = enrollments.filter(course_id=course_id)
    if unit_id:
        path = _drill_down_path(user=user, unit_id=unit_id)
        enrollments = enrollments.filter(officer__unit__path__startswith=path) if path else enrollments.none()
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


REPORT_FIGURES = ("assigned", "started", "completed", "overdue")


def report_funnel_by_unit(*, rows: list[dict]) -> list[dict]:
    """The funnel rows (of `report_funnel` or `report_funnel_direct`) grouped by the officers' unit, in
    unit-tree order: one dict per unit with its id, name, its rows (by course code), the sums of
    assigned, started, completed and overdue over them and its completion percent. No query."""
    groups: dict[int, dict] = {}
    for row in sorted(rows, key=lambda row: (row["officer__unit__path"], row["course__code"])):
        group = groups.get(row["officer__unit_id"])
        if group is None:
            group = groups[row["officer__unit_id"]] = {
                "unit_id": row["officer__unit_id"], "unit_name": row["officer__unit__name"], "rows": [],
                **dict.fromkeys(REPORT_FIGURES, 0)}
        group["rows"].append(row)
        for key in REPORT_FIGURES:
            group[key] += row[key]
    for group in groups.values():
        group["completion_percent"] = round(100 * group["completed"] / group["assigned"]) if group["assigned"] else 0
    return list(groups.values())


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


def course_list_for_report(*, user) -> QuerySet[Course]:  # noqa: ANN001
    """Courses offered in the report filter: all of them (a scan of enrollments per page view would grow with data)."""
    return Course.objects.order_by("code")


def enrollment_time_spent_map(*, enrollment_ids: list[int]) -> dict[int, int]:
    """Seconds spent on lessons per enrollment (one query, for a page of enrollments)."""
    rows = (LessonProgress.objects.filter(enrollment_id__in=enrollment_ids).values("enrollment_id")
            .annotate(seconds=Sum("time_spent_seconds")).order_by())
    return {row["enrollment_id"]: row["seconds"] or 0 for row in rows}


def enrollment_with_time_spent(*, enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Annotate `time_spent` (seconds on lessons) on each enrollment, for streamed exports."""
    seconds = (LessonProgress.objects.filter(enrollment=OuterRef("pk")).values("enrollment")
               .annotate(total=Sum("time_spent_seconds")).values("total"))
    return enrollments.annotate(time_spent=Coalesce(Subquery(seconds), 0))


def certificate_list_visible(*, user, query: str = "") -> QuerySet[Certificate]:  # noqa: ANN001
    """Certificates of officers within the user's scope, newest first; `query` matches the code or the name."""
    certificates = Certificate.objects.filter(scope_filter(user=user, unit_field="officer__unit",
                                                           officer_field="officer",
                                                           taught=course_taught_filter(user=user)))
    query = query.strip()
    if query:
        code = normalise_code(query)
        certificates = certificates.filter(Q(code=code) | Q(officer__search_name__contains=fold(query))
                                           | Q(course_title__icontains=query))
    return certificates.select_related("officer__unit").order_by("-issued_on", "-pk")


def normalise_code(code: str) -> str:
    """A verification code as typed from paper: spaces and dashes dropped, upper case."""
    return "".join(char for char in code.upper() if char.isalnum())[:20]


def course_taught_filter(*, user, course_field: str = "course") -> Q:  # noqa: ANN001
    """Rows of the courses the user wrote or co-teaches (`course_field` leads from the row to its course),
    for org.selectors.scope_filter(taught=…): trainers see those whatever the learners' units."""
    from learning.models import Course

    return Q(**{f"{course_field}__in": Course.objects.taught_by(user).values("pk")})

def _unread(user) -> Subquery:  # noqa: ANN001
    return Subquery(Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()
                    .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())


def enrollment_list_current_with_unread(*, officer: Officer, user) -> list[dict]:  # noqa: ANN001
    """The officer's current enrollments as dicts (``course_id``, ``course__title``, ``due_date``,
    ``progress_percent``, ``completed_at``, ``unread``), in one query: the officer's row joined to their
    current enrollments (a single row with ``course_id`` None when there is none), each carrying the
    number of ``user``'s unread notifications."""
    return list(Officer.objects.filter(pk=officer.pk).order_by()
                .annotate(current=FilteredRelation("enrollments", condition=Q(enrollments__is_current=True)),
                          unread=Coalesce(_unread(user), Value(0)))
                .values(course_id=F("current__course_id"), course__title=F("current__course__title"),
                        due_date=F("current__due_date"), progress_percent=F("current__progress_percent"),
                        completed_at=F("current__completed_at"), unread=F("unread")))


def report_export_details(*, user, course_id: int, unit_id: int | None = None) -> QuerySet[Enrollment]:  # noqa: ANN001
    """The enrollments of one course for the report export, within scope: the whole subtree of
    ``unit_id`` when given (the funnel rows are per unit subtree), each with ``time_spent``."""
    details = report_officers(user=user, course_id=course_id)
    if unit_id:
        unit = Unit.objects.filter(pk=unit_id).only("path").first()
        details = details.filter(officer__unit__path__startswith=unit.path) if unit else details.none()
    return enrollment_with_time_spent(enrollments=details)


def course_prerequisites_missing(*, officer: Officer, course: Course) -> list[Course]:
    """The prerequisite courses this officer has not completed (ever, any cycle)."""
    required = list(course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(officer=officer, course__in=required, completed_at__isnull=False)
        .values_list("course_id", flat=True)
    )
    return [other for other in required if other.pk not in done]


# --- For other apps' dashboards -----------------------------------------------------------------

def enrollment_funnel_totals(*, unit_path: str | None, today: dt.date | None = None) -> dict[str, int]:
    """The course report's funnel summed over every course for the units in the subtree `unit_path` (None:
    every unit): assigned, started, completed, overdue — the sums of `report_funnel`'s rows for that
    subtree, read from the count table in one query. For another app's dashboard whose unit is already
    within its user's scope (no scope check here)."""
    today = today or timezone.localdate()
    counts = EnrollmentCount.objects.all()
    if unit_path is not None:
        counts = counts.filter(unit__path__startswith=unit_path)
    cells = (counts.values("course_id", "unit_id")  # the report's rows: course × unit, none with nothing assigned
             .annotate(overdue_n=Coalesce(Sum(F("assigned") - F("completed"), filter=Q(due_date__lt=today)), 0),
                       assigned_n=Sum("assigned"), started_n=Sum("started"), completed_n=Sum("completed"))
             .filter(assigned_n__gt=0).order_by().values_list("assigned_n", "started_n", "completed_n", "overdue_n"))
    totals = {"assigned": 0, "started": 0, "completed": 0, "overdue": 0}
    for assigned, started, completed, overdue in cells:
        totals["assigned"] += assigned
        totals["started"] += started or 0
        totals["completed"] += completed or 0
        totals["overdue"] += overdue
    return totals


def enrollment_overdue_counts(*, officer_ids: list[int], today: dt.date | None = None) -> dict[int, int]:
    """Current, unfinished enrollments past their due date, counted per officer for the given officers
    (one GROUP BY query); officers with none are absent."""
    today = today or timezone.localdate()
    rows = (Enrollment.objects.current().filter(officer_id__in=officer_ids, completed_at__isnull=True,
                                                due_date__lt=today)
            .values("officer_id").annotate(count=Count("pk")).order_by())
    return {row["officer_id"]: row["count"] for row in rows}


# --- For the adoption count tables ---------------------------------------------------------------

def assigned_courses_by_officer_due_day(*, start: dt.date, end: dt.date) -> QuerySet:
    """Current assigned enrollments due from `start` to `end`, grouped by officer and due date: rows
    `{"o_id", "d", "n", "on_time_n"}` (`on_time_n`: completed on or before the due date, local time).
    A lazy GROUP BY query, usable as the SELECT of a set-based INSERT."""
    from django.db.models.functions import TruncDate

    return (Enrollment.objects.current().filter(source=Enrollment.Source.ASSIGNED,
                                                due_date__gte=start, due_date__lte=end)
            .annotate(done_on=TruncDate("completed_at"))
            .values(o_id=F("officer_id"), d=F("due_date"))
            .annotate(n=Count("id"), on_time_n=Count("id", filter=Q(done_on__lte=F("due_date")))).order_by())


def course_list_taught_with_learners(*, user, limit: int = 9) -> list[dict]:  # noqa: ANN001
    """The courses the user wrote or co-teaches as dicts (pk, code, title, status, in_progress, overdue: current
    unfinished enrollments not yet due / past due), those with most learners behind first; one query."""
    today = timezone.localdate()
    current = Q(enrollments__is_current=True, enrollments__completed_at__isnull=True)
    return list(
        Course.objects.filter(Q(created_by=user) | Q(co_trainers=user)).order_by()
        .values("pk", "code", "title", "status").distinct()
        .annotate(in_progress=Count("enrollments", filter=current & Q(enrollments__due_date__gte=today)
                                    | current & Q(enrollments__due_date__isnull=True), distinct=True),
                  overdue=Count("enrollments", filter=current & Q(enrollments__due_date__lt=today), distinct=True))
        .order_by("-overdue", "-in_progress", "code")[:limit]
    )


def course_grades(*, course: Course, officer_ids: list[int]) -> dict[int, Decimal | None]:
    """Each officer's course grade (percent, one decimal) from the course's quiz lessons (two queries).

    Each quiz's grade follows the quiz's own grading method (highest, average, first or last attempt);
    the course grade is their mean, or with Course.GradeMethod.WEIGHTED their mean weighted by each quiz
    lesson's `grade_weight`. As Moodle does by default, quizzes not graded yet are left out; an officer
    with no graded quiz has None. A course without quiz lessons gives {}.
    """
    from learning.links import lesson_scores

    lessons = list(course.lessons.active().filter(kind=Lesson.Kind.QUIZ).values_list("pk", "grade_weight"))
    if not lessons or not officer_ids:
        return {}
    scores = lesson_scores(officer_ids=list(officer_ids), lesson_ids=[pk for pk, _weight in lessons])
    weighted = course.grade_method == Course.GradeMethod.WEIGHTED
    grades: dict[int, Decimal | None] = {}
    for officer_id in officer_ids:
        total, weights = Decimal(0), 0
        for lesson_id, weight in lessons:
            score = scores.get((officer_id, lesson_id))
            if score is None:
                continue
            weight = weight if weighted else 1
            total += Decimal(weight) * Decimal(score)
            weights += weight
        grades[officer_id] = (total / weights).quantize(Decimal("0.1")) if weights else None
    return grades


def enrollments_with_grades(*, course: Course, enrollments: Iterable[Enrollment],
                            chunk_size: int = 2000) -> Iterator[Enrollment]:
    """Stream enrollments of one course with `grade` set (course_grades, two queries per chunk)."""
    chunk: list[Enrollment] = []

    def flush() -> Iterator[Enrollment]:
        grades = course_grades(course=course, officer_ids=[row.officer_id for row in chunk])
        for row in chunk:
            row.grade = grades.get(row.officer_id)
            yield row

    for enrollment in enrollments:
        chunk.append(enrollment)
        if len(chunk) >= chunk_size:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()
