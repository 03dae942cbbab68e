"""Progress: opening lessons, time spent, completing lessons and courses."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump
from learning import counting
from learning.models import Course, Enrollment, Lesson, LessonProgress
from learning.selectors import course_prerequisites_missing
from learning.services.certificates import certificate_issue
from learning.services.common import MAX_HEARTBEAT_SECONDS, LearningError
from learning.services.enrollments import enrollment_self_enroll, prerequisites_message
from org.models import Officer


# --- Progress -----------------------------------------------------------------------------------

def _enrollment_for(officer: Officer, lesson: Lesson) -> Enrollment:
    enrollment = Enrollment.objects.current().filter(officer=officer, course_id=lesson.course_id).first()
    if enrollment is None:
        raise LearningError(_("You are not enrolled in this course."))
    return enrollment


def _check_prerequisites(officer: Officer, course: Course) -> None:
    missing = course_prerequisites_missing(officer=officer, course=course)
    if missing:
        raise LearningError(prerequisites_message(missing))


@transaction.atomic
def lesson_open(*, officer: Officer, lesson: Lesson) -> LessonProgress:
    """Record that the officer opened a lesson: it becomes the resume point; the course counts as started.

    Raises LearningError if the officer is not enrolled or a prerequisite course is not done.
    """
    enrollment = _enrollment_for(officer, lesson)
    _check_prerequisites(officer, lesson.course)
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    progress.last_opened_at = now
    progress.save(update_fields=["last_opened_at"])
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
    if enrollment.started_at is None:
        _enrollment_start(enrollment, now)
    return progress


def _enrollment_start(enrollment: Enrollment, now: dt.datetime) -> None:
    """Set started_at once (a concurrent start counts once: the update is conditional on the locked row)."""
    with counting.tracked([enrollment.pk]):
        Enrollment.objects.filter(pk=enrollment.pk, started_at__isnull=True).update(started_at=now)
    enrollment.started_at = enrollment.started_at or now


def lesson_time_add(*, officer: Officer, lesson: Lesson, seconds: int) -> None:
    """Add reading time reported by the lesson page (capped per report so a stray tab cannot inflate it)."""
    seconds = max(0, min(int(seconds), MAX_HEARTBEAT_SECONDS))
    enrollment = _enrollment_for(officer, lesson)
    LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(
        time_spent_seconds=F("time_spent_seconds") + seconds
    )


@transaction.atomic
def lesson_progress_complete(*, officer: Officer, lesson: Lesson, source: str = "manual") -> LessonProgress:
    """Mark a lesson done for an officer (idempotent) and re-evaluate course completion.

    - A quiz lesson is completed only with source="quiz" (the quizzes app calls this when an attempt passes);
      a manual tick on a quiz lesson raises LearningError.
    - With source="quiz" an officer who is not enrolled yet is enrolled from the catalogue (same rules).
    - Prerequisites are enforced (LearningError with the list of missing courses).
    - When every required lesson is done, the enrollment is completed and a certificate issued.
    """
    if lesson.kind == Lesson.Kind.QUIZ and source != LessonProgress.Source.QUIZ:
        raise LearningError(_("This lesson is completed by passing its quiz."))
    if source not in LessonProgress.Source.values:
        raise ValueError(f"unknown source {source!r}")
    enrollment = Enrollment.objects.current().filter(officer=officer, course_id=lesson.course_id).first()
    if enrollment is None:
        if source != LessonProgress.Source.QUIZ:
            raise LearningError(_("You are not enrolled in this course."))
        enrollment = enrollment_self_enroll(officer=officer, course=lesson.course)
    _check_prerequisites(officer, lesson.course)
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson,
                                                              defaults={"last_opened_at": now})
    if progress.completed_at is None:
        progress.completed_at = now
        progress.source = source
        progress.save(update_fields=["completed_at", "source"])
    if enrollment.started_at is None:
        _enrollment_start(enrollment, now)
    enrollment_evaluate(enrollment=enrollment)
    return progress


@transaction.atomic
def enrollment_evaluate(*, enrollment: Enrollment) -> Enrollment:
    """Recompute the percentage of required lessons done; complete and certify when all are done.

    A completed enrollment is never un-completed (a course edited later does not take a certificate away).
    """
    required = enrollment.course.lessons.active().filter(is_required=True)
    total = required.count()
    done = LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False,
                                         lesson__in=required).count()
    percent = 100 if total == 0 else round(100 * done / total)
    if enrollment.completed_at is None and total > 0 and done >= total:
        now = timezone.now()
        with counting.tracked([enrollment.pk]):
            # Conditional on the locked row: two concurrent completions complete (and count) once.
            Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(
                completed_at=now, progress_percent=100)
        enrollment.refresh_from_db(fields=["completed_at", "progress_percent"])
    if enrollment.completed_at is not None:
        percent = 100
    enrollment.progress_percent = percent
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percent=percent)
    panel_cache_bump(officer_ids=[enrollment.officer_id], panel="learning")
    if enrollment.completed_at is not None:
        certificate_issue(enrollment=enrollment)
    return enrollment
