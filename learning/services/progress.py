"""Progress: opening lessons, time spent, completing lessons and courses."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump
from learning import counting
from learning.models import CompletionRule, Course, Enrollment, Lesson, LessonProgress
from learning.selectors import course_prerequisites_missing, lesson_blocking_get
from learning.services.certificates import certificate_issue
from learning.services.common import MAX_HEARTBEAT_SECONDS, LearningError, LessonLocked
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


def _check_unlocked(enrollment: Enrollment, lesson: Lesson) -> None:
    blocking = lesson_blocking_get(enrollment=enrollment, lesson=lesson)
    if blocking is not None:
        raise LessonLocked(blocking)


def _credit_seen(progress: LessonProgress, now: dt.datetime) -> None:
    """Add the time since the page was last seen (opened or heartbeat), capped so that a tab left open or a
    gap between visits cannot count; the client reports nothing, so it cannot claim time it did not spend."""
    if progress.last_seen_at is not None:
        elapsed = int((now - progress.last_seen_at).total_seconds())
        credit = max(0, min(elapsed, MAX_HEARTBEAT_SECONDS))
        progress.seen_seconds += credit
        progress.time_spent_seconds += credit
    progress.last_seen_at = now


def _complete_if_rule_met(enrollment: Enrollment, lesson: Lesson, progress: LessonProgress,
                          now: dt.datetime) -> None:
    """Complete the lesson when its automatic rule (viewed, time, video %) is now satisfied."""
    if progress.completed_at is not None:
        return
    rule = lesson.rule
    met = (rule == CompletionRule.VIEWED
           or (rule == CompletionRule.TIME and progress.seen_seconds >= 60 * lesson.completion_minutes)
           or (rule == CompletionRule.VIDEO and progress.video_percent >= lesson.completion_percent))
    if met:
        _mark_complete(enrollment, progress, source=rule, now=now)


def _mark_complete(enrollment: Enrollment, progress: LessonProgress, *, source: str, now: dt.datetime) -> None:
    if progress.completed_at is None:
        progress.completed_at = now
        progress.source = source
        progress.save(update_fields=["completed_at", "source"])
    if enrollment.started_at is None:
        _enrollment_start(enrollment, now)
    enrollment_evaluate(enrollment=enrollment)


@transaction.atomic
def lesson_open(*, officer: Officer, lesson: Lesson) -> LessonProgress:
    """Record that the officer opened a lesson: it becomes the resume point; the course counts as started.

    Starts the server's clock for "viewed for at least N minutes" and completes a "viewed" lesson.
    Raises LearningError if the officer is not enrolled or a prerequisite course is not done, and
    LessonLocked (a LearningError naming the lesson to finish first) for a lesson locked by the course order.
    """
    enrollment = _enrollment_for(officer, lesson)
    _check_prerequisites(officer, lesson.course)
    _check_unlocked(enrollment, lesson)
    now = timezone.now()
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(enrollment=enrollment,
                                                                                  lesson=lesson)
    progress.last_opened_at = now
    _credit_seen(progress, now)
    progress.save(update_fields=["last_opened_at", "last_seen_at", "seen_seconds", "time_spent_seconds"])
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
    if enrollment.started_at is None:
        _enrollment_start(enrollment, now)
    _complete_if_rule_met(enrollment, lesson, progress, now)
    return progress


def _progress_for_update(officer: Officer, lesson: Lesson) -> tuple[Enrollment, LessonProgress]:
    enrollment = _enrollment_for(officer, lesson)
    _check_unlocked(enrollment, lesson)
    progress = LessonProgress.objects.select_for_update().filter(enrollment=enrollment, lesson=lesson).first()
    if progress is None:  # a heartbeat or report without the page having been opened
        raise LearningError(_("Open the lesson first."))
    return enrollment, progress


@transaction.atomic
def lesson_heartbeat(*, officer: Officer, lesson: Lesson) -> LessonProgress:
    """The open lesson page says it is still visible: credit the time since it was last seen (measured
    here, capped at MAX_HEARTBEAT_SECONDS) and complete a "viewed for at least N minutes" lesson when due.

    Raises LearningError if not enrolled, the lesson was never opened, or it is locked.
    """
    enrollment, progress = _progress_for_update(officer, lesson)
    now = timezone.now()
    _credit_seen(progress, now)
    progress.save(update_fields=["last_seen_at", "seen_seconds", "time_spent_seconds"])
    _complete_if_rule_met(enrollment, lesson, progress, now)
    return progress


@transaction.atomic
def lesson_video_progress(*, officer: Officer, lesson: Lesson, percent: int) -> LessonProgress:
    """Store the furthest point of the lesson's video the officer has watched (the maximum ever reported,
    0–100) and complete a "video watched to N %" lesson when it is reached.

    Raises LearningError if not enrolled, the lesson was never opened, or it is locked.
    """
    enrollment, progress = _progress_for_update(officer, lesson)
    percent = max(0, min(int(percent), 100))
    if percent > progress.video_percent:
        progress.video_percent = percent
        progress.save(update_fields=["video_percent"])
    _complete_if_rule_met(enrollment, lesson, progress, timezone.now())
    return progress


@transaction.atomic
def lesson_file_downloaded(*, officer: Officer, lesson: Lesson) -> LessonProgress | None:
    """The lesson's file was served to the officer: completes a "file downloaded" lesson.

    Returns None (and writes nothing) when the officer is not enrolled; raises LessonLocked when locked.
    """
    enrollment = Enrollment.objects.current().filter(officer=officer, course_id=lesson.course_id).first()
    if enrollment is None:
        return None
    _check_unlocked(enrollment, lesson)
    now = timezone.now()
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson=lesson, defaults={"last_opened_at": now})
    if lesson.rule == CompletionRule.FILE:
        _mark_complete(enrollment, progress, source=LessonProgress.Source.FILE, now=now)
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

    - source="manual" (the learner's tick) is accepted only for a lesson whose rule is "the learner marks it
      as done"; for any other rule it raises LearningError saying what completes the lesson, so posting the
      tick cannot bypass a rule. Other automatic rules are met through lesson_open, lesson_heartbeat,
      lesson_video_progress and lesson_file_downloaded.
    - A quiz lesson is completed with source="quiz" (the quizzes app calls this when an attempt passes);
      source="quiz" on any other lesson raises LearningError. "trainer" and "import" complete any lesson
      (the trainer's service, learning.services.progress_mark_by_trainer, checks who may).
    - With source="quiz" an officer who is not enrolled yet is enrolled from the catalogue (same rules).
    - Prerequisites are enforced (LearningError with the list of missing courses); so is the lesson order of
      a course that locks it (LessonLocked), except for "trainer", "import" and "quiz".
    - When every required lesson is done, the enrollment is completed and a certificate issued.
    """
    if source not in LessonProgress.Source.values:
        raise ValueError(f"unknown source {source!r}")
    if source == LessonProgress.Source.MANUAL and not lesson.learner_may_tick:
        raise LearningError(lesson.completion_text)
    if source == LessonProgress.Source.QUIZ and lesson.rule != CompletionRule.QUIZ:
        raise LearningError(lesson.completion_text)
    enrollment = Enrollment.objects.current().filter(officer=officer, course_id=lesson.course_id).first()
    if enrollment is None:
        if source != LessonProgress.Source.QUIZ:
            raise LearningError(_("You are not enrolled in this course."))
        enrollment = enrollment_self_enroll(officer=officer, course=lesson.course)
    _check_prerequisites(officer, lesson.course)
    # A quiz passed counts even if its lesson is still locked: the quizzes app decides who may take a quiz,
    # and a pass must not be lost (the lesson page hides the quiz link while the lesson is locked).
    if source not in (LessonProgress.Source.TRAINER, LessonProgress.Source.IMPORT, LessonProgress.Source.QUIZ):
        _check_unlocked(enrollment, lesson)
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson,
                                                              defaults={"last_opened_at": now})
    _mark_complete(enrollment, progress, source=source, now=now)
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


# --- Completion marked by the trainer -------------------------------------------------------------

def _audit_marked(*, enrollment: Enrollment, by, before: dict, after: dict, **extra: object) -> None:  # noqa: ANN001
    from core.models import AuditEvent
    from core.services import audit_change

    audit_change(action=AuditEvent.Action.COMPLETION_MARKED,
                 target=f"{enrollment.officer.full_name} · {enrollment.course.code}",
                 before=before, after=after, actor=by, **extra)


@transaction.atomic
def lesson_progress_mark_by_trainer(*, enrollment: Enrollment, lesson: Lesson, by) -> LessonProgress:  # noqa: ANN001
    """A trainer marks one lesson done for a learner, whatever the lesson's rule and order; audited with
    before/after. The caller checks who may (permissions.can_mark_completion).

    Raises LearningError for a lesson of another course, an archived lesson or an enrollment that is not current.
    """
    if lesson.course_id != enrollment.course_id or lesson.is_archived or not enrollment.is_current:
        raise LearningError(_("This lesson cannot be marked for this learner."))
    existing = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()
    if existing is not None and existing.completed_at is not None:
        return existing
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson,
                                                              defaults={"last_opened_at": now})
    _mark_complete(enrollment, progress, source=LessonProgress.Source.TRAINER, now=now)
    _audit_marked(enrollment=enrollment, by=by, before={"completed": False}, after={"completed": True},
                  lesson=lesson.title)
    return progress


@transaction.atomic
def enrollment_complete_by_trainer(*, enrollment: Enrollment, by) -> Enrollment:  # noqa: ANN001
    """A trainer marks a learner's whole course done: every required lesson not done yet is marked
    "by the trainer", the enrollment completes and its certificate is issued; one audit entry with
    before/after. The caller checks who may (permissions.can_mark_completion).

    Raises LearningError for an enrollment that is not current or a course without a required lesson.
    """
    if not enrollment.is_current:
        raise LearningError(_("This lesson cannot be marked for this learner."))
    if enrollment.completed_at is not None:
        return enrollment
    required = list(enrollment.course.lessons.active().filter(is_required=True))
    if not required:
        raise LearningError(_("This course has no required lesson to mark."))
    done = set(LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False)
               .values_list("lesson_id", flat=True))
    now = timezone.now()
    marked = []
    for lesson in required:
        if lesson.pk in done:
            continue
        progress, _created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson,
                                                                  defaults={"last_opened_at": now})
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now, source=LessonProgress.Source.TRAINER)
        marked.append(lesson.title)
    before = {"progress_percent": enrollment.progress_percent, "completed": False}
    if enrollment.started_at is None:
        _enrollment_start(enrollment, now)
    enrollment_evaluate(enrollment=enrollment)
    _audit_marked(enrollment=enrollment, by=by, before=before,
                  after={"progress_percent": enrollment.progress_percent, "completed": True},
                  lessons_marked=marked)
    return enrollment
