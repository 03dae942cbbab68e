"""Courses, modules, lessons and course images."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump, panel_cache_bump_all
from learning.models import Course, CourseImage, Lesson, Module
from learning.services.common import LearningError
from learning.services.progress import enrollment_evaluate


# --- Courses, modules, lessons ------------------------------------------------------------------

COURSE_FIELDS = ("code", "title", "summary", "category", "level", "estimated_minutes", "skill_tags", "lock_order",
                 "grade_method")


@transaction.atomic
def course_create(*, by, prerequisites: Iterable[Course] = (), **fields: object) -> Course:  # noqa: ANN001
    """Create a draft course from COURSE_FIELDS; prerequisites are other courses."""
    course = Course.objects.create(created_by=by, status=Course.Status.DRAFT,
                                   **{key: fields[key] for key in COURSE_FIELDS if key in fields})
    course.prerequisites.set([other for other in prerequisites if other.pk != course.pk])
    return course


@transaction.atomic
def course_update(*, course: Course, prerequisites: Iterable[Course] | None = None, **fields: object) -> Course:
    """Change a course's description. Progress and certificates are untouched."""
    for key in COURSE_FIELDS:
        if key in fields:
            setattr(course, key, fields[key])
    course.save()
    if prerequisites is not None:
        course.prerequisites.set([other for other in prerequisites if other.pk != course.pk])
    panel_cache_bump_all(panel="learning")
    return course


@transaction.atomic
def course_publish(*, course: Course) -> Course:
    """Publish a course (it needs at least one lesson) and bring every learner's progress up to date.

    Refused (LearningError naming the lesson) while a quiz lesson has no quiz or its quiz has no question:
    learners could never complete it.

    Publishing again after edits is how a trainer releases changes: completed enrollments stay completed,
    certificates stay valid; others get their percentage recomputed against the new lesson list.
    """
    if not course.lessons.active().exists():
        raise LearningError(_("A course needs at least one lesson before it can be published."))
    problems = course_publish_problems(course=course)
    if problems:
        raise LearningError(" ".join(problems))
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    course_refresh_progress(course=course)
    panel_cache_bump_all(panel="learning")
    return course


def course_publish_problems(*, course: Course) -> list[str]:
    """Why the course cannot be published yet, one sentence per quiz lesson without a usable quiz."""
    from learning.links import QUIZ_EMPTY, QUIZ_MISSING, lesson_readiness

    lessons = list(course.lessons.active().filter(kind=Lesson.Kind.QUIZ).in_order())
    states = lesson_readiness(lesson_ids=[lesson.pk for lesson in lessons])
    problems = []
    for lesson in lessons:
        if states[lesson.pk] == QUIZ_MISSING:
            problems.append(_("The quiz lesson “%(lesson)s” has no quiz: attach a quiz to it in Quizzes.")
                            % {"lesson": lesson.title})
        elif states[lesson.pk] == QUIZ_EMPTY:
            problems.append(_("The quiz of the lesson “%(lesson)s” has no question yet.") % {"lesson": lesson.title})
    return problems


@transaction.atomic
def course_unpublish(*, course: Course) -> Course:
    """Take a course out of the catalogue. Enrolled officers keep their progress, access and certificates."""
    course.status = Course.Status.DRAFT
    course.save(update_fields=["status", "updated_at"])
    panel_cache_bump_all(panel="learning")
    return course


@transaction.atomic
def module_save(*, course: Course, title: str, module: Module | None = None, position: int | None = None) -> Module:
    """Create a module at the end of the course, or rename/reorder an existing one."""
    if module is None:
        module = Module(course=course)
        if position is None:
            position = (course.modules.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    module.title = title.strip()
    if position is not None:
        module.position = position
    module.save()
    return module


LESSON_FIELDS = ("title", "kind", "body", "url", "is_required", "estimated_minutes", "position", "video",
                 "attachment", "completion_rule", "completion_minutes", "completion_percent", "grade_weight")


@transaction.atomic
def lesson_save(*, module: Module, lesson: Lesson | None = None, **fields: object) -> Lesson:
    """Create a lesson at the end of the module, or change one. Existing progress on it is kept.

    A quiz lesson's completion rule is always "quiz passed"; a rule other than that on another lesson is
    taken as given (the lesson form checks that it suits the kind).
    """
    creating = lesson is None
    lesson = lesson or Lesson(module=module)
    lesson.module = module
    for key in LESSON_FIELDS:
        if key in fields and fields[key] is not None:
            setattr(lesson, key, fields[key])
    if lesson.kind == Lesson.Kind.QUIZ:
        lesson.completion_rule = Lesson.CompletionRule.QUIZ
    if creating and not fields.get("position"):
        last = module.lessons.order_by("-position").values_list("position", flat=True).first() or 0
        lesson.position = last + 1
    lesson.save()
    if lesson.course.is_published:
        course_refresh_progress(course=lesson.course)
    return lesson


@transaction.atomic
def lesson_remove(*, lesson: Lesson) -> bool:
    """Delete a lesson nobody has opened; archive it otherwise so that learners' history stays.

    Returns True when deleted, False when archived.
    """
    course = lesson.course
    if lesson.progress.exists():
        lesson.is_archived = True
        lesson.save(update_fields=["is_archived"])
        deleted = False
    else:
        lesson.delete()
        deleted = True
    if course.is_published:
        course_refresh_progress(course=course)
    return deleted


def lesson_move(*, lesson: Lesson, step: int) -> None:
    """Swap a lesson with its neighbour in the module (step -1 up, +1 down)."""
    siblings = list(lesson.module.lessons.active().order_by("position", "pk"))
    index = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    target = index + step
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, other in enumerate(siblings, start=1):
            if other.position != position:
                Lesson.objects.filter(pk=other.pk).update(position=position)


def course_image_add(*, course: Course, image) -> CourseImage:  # noqa: ANN001
    return CourseImage.objects.create(course=course, image=image)


def course_refresh_progress(*, course: Course) -> int:
    """Recompute progress_percent of the course's open enrollments (after lessons were added or removed).

    Completes an enrollment whose required lessons are now all done. Returns the number evaluated.
    """
    count = 0
    for enrollment in course.enrollments.current().filter(completed_at__isnull=True).select_related("officer"):
        enrollment_evaluate(enrollment=enrollment)
        count += 1
    return count


def _copy_code(code: str) -> str:
    base = f"{code[:30]}-ban-sao"
    candidate, number = base, 1
    while Course.objects.filter(code=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


COPIED_LESSON_FIELDS = ("title", "kind", "position", "body", "video", "attachment", "url", "is_required",
                        "estimated_minutes", "completion_rule", "completion_minutes", "completion_percent",
                        "grade_weight")


@transaction.atomic
def course_duplicate(*, course: Course, by) -> Course:  # noqa: ANN001
    """Copy a course for a new year: a draft owned by `by`, titled "<title> (bản sao)", with a free code
    ("<code>-ban-sao"), the same description, options and prerequisites, its modules and active lessons with
    their completion rules, and its images. Lesson files and images refer to the same stored files (nothing is
    copied on disk); image addresses in lesson texts are rewritten to the copy's images.

    Not copied: enrollments, progress, assignments, certificates, co-trainers and the quizzes of quiz lessons
    (a quiz belongs to one lesson: attach one to the copy's quiz lessons before publishing it).
    """
    copy = Course.objects.create(
        code=_copy_code(course.code), title=(_("%(title)s (copy)") % {"title": course.title})[:200],
        status=Course.Status.DRAFT, created_by=by,
        **{key: getattr(course, key) for key in COURSE_FIELDS if key not in ("code", "title")},
    )
    copy.prerequisites.set(course.prerequisites.all())
    images = {}
    for image in course.images.order_by("pk"):
        images[image.pk] = CourseImage.objects.create(course=copy, image=image.image.name).pk

    def rewrite(body: str) -> str:
        for old, new in images.items():
            body = body.replace(f"/learning/images/{old}/", f"/learning/images/{new}/")
        return body

    for module in course.modules.order_by("position", "pk"):
        new_module = Module.objects.create(course=copy, title=module.title, position=module.position)
        lessons = [Lesson(module=new_module, course=copy, **{key: getattr(lesson, key) for key in COPIED_LESSON_FIELDS})
                   for lesson in module.lessons.active().order_by("position", "pk")]
        for lesson in lessons:
            lesson.body = rewrite(lesson.body)
        Lesson.objects.bulk_create(lessons)
    return copy


# --- Co-trainers --------------------------------------------------------------------------------

def _co_trainer_emails(course: Course) -> list[str]:
    return sorted(course.co_trainers.values_list("email", flat=True))


def _co_trainers_changed(*, course: Course, user, by, before: list[str]) -> None:  # noqa: ANN001
    from core.models import AuditEvent
    from core.services import audit_change
    from org.selectors import officer_for_user

    audit_change(action=AuditEvent.Action.COURSE_TEAM_CHANGED, target=course.code,
                 before={"co_trainers": before}, after={"co_trainers": _co_trainer_emails(course)}, actor=by)
    officer = officer_for_user(user)
    panel_cache_bump(officer_ids=[officer.pk if officer else None], panel="learning-trainer")


@transaction.atomic
def course_co_trainer_add(*, course: Course, user, by) -> bool:  # noqa: ANN001
    """Make `user` a co-trainer of `course`: they then see its learners, results, certificates and reports
    whatever the learners' units, and it in their "Courses I teach" panel. Who may do this (the author or
    an administrator) is the view's check (learning.permissions.can_manage_course_team).

    Raises LearningError if `user` is not an active trainer or is the course's author. Audited with the
    co-trainers before and after; False (nothing written) if they already were one.
    """
    from core.roles import Role, has_role

    if not user.is_active or not has_role(user, Role.TRAINER):
        raise LearningError(_("Only an active account with the trainer role can co-teach a course."))
    if user.pk == course.created_by_id:
        raise LearningError(_("The author of the course already teaches it."))
    if course.co_trainers.filter(pk=user.pk).exists():
        return False
    before = _co_trainer_emails(course)
    course.co_trainers.add(user)
    _co_trainers_changed(course=course, user=user, by=by, before=before)
    return True


@transaction.atomic
def course_co_trainer_remove(*, course: Course, user, by) -> bool:  # noqa: ANN001
    """Stop `user` co-teaching `course` (their course-based scope over its learners ends with it). Audited
    with the co-trainers before and after; False (nothing written) if they were not one."""
    if not course.co_trainers.filter(pk=user.pk).exists():
        return False
    before = _co_trainer_emails(course)
    course.co_trainers.remove(user)
    _co_trainers_changed(course=course, user=user, by=by, before=before)
    return True
