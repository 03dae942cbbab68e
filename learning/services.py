"""Writes owned by learning: courses, assignments, enrollments, progress, certificates, notifications.

Other apps call `lesson_progress_complete` (quizzes, when an attempt passes). Every function is keyword-only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.certificates.services import certificate_number_next
from core.site import site_url
from core.fragments import panel_cache_bump, panel_cache_bump_all
from core.roles import Role
from org.models import Officer, Position, Unit
from org.selectors import certificate_issuer_for_unit
from learning import counting
from learning.models import (
    Assignment,
    Certificate,
    Course,
    CourseImage,
    Enrollment,
    Lesson,
    LessonProgress,
    Module,
    Notification,
)

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
RECERTIFY_LEAD_DAYS = 30
MAX_HEARTBEAT_SECONDS = 120


class LearningError(Exception):
    """A learning rule was broken; the message is for the user (Vietnamese through gettext)."""


# --- Courses, modules, lessons ------------------------------------------------------------------

COURSE_FIELDS = ("code", "title", "summary", "category", "level", "estimated_minutes", "skill_tags")


@transaction.atomic
def course_create(*, created_by, prerequisites: Iterable[Course] = (), **fields: object) -> Course:  # noqa: ANN001
    """Create a draft course from COURSE_FIELDS; prerequisites are other courses."""
    course = Course.objects.create(created_by=created_by, status=Course.Status.DRAFT,
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

    Publishing again after edits is how a trainer releases changes: completed enrollments stay completed,
    certificates stay valid; others get their percentage recomputed against the new lesson list.
    """
    if not course.lessons.active().exists():
        raise LearningError(_("A course needs at least one lesson before it can be published."))
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    course_refresh_progress(course=course)
    panel_cache_bump_all(panel="learning")
    return course


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
                 "attachment")


@transaction.atomic
def lesson_save(*, module: Module, lesson: Lesson | None = None, **fields: object) -> Lesson:
    """Create a lesson at the end of the module, or change one. Existing progress on it is kept."""
    creating = lesson is None
    lesson = lesson or Lesson(module=module)
    lesson.module = module
    for key in LESSON_FIELDS:
        if key in fields and fields[key] is not None:
            setattr(lesson, key, fields[key])
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


# --- Enrollment ---------------------------------------------------------------------------------

def prerequisites_missing(*, officer: Officer, course: Course) -> list[Course]:
    """The prerequisite courses this officer has not completed (ever, any cycle)."""
    required = list(course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(officer=officer, course__in=required, completed_at__isnull=False)
        .values_list("course_id", flat=True)
    )
    return [other for other in required if other.pk not in done]


def prerequisites_message(missing: list[Course]) -> str:
    return _("Finish these courses first: %(courses)s.") % {"courses": ", ".join(c.title for c in missing)}


@transaction.atomic
def enrollment_self_enroll(*, officer: Officer, course: Course) -> Enrollment:
    """Enrol an officer from the catalogue; returns the existing current enrollment if there is one.

    Raises LearningError if the course is not published or a prerequisite is not done.
    """
    existing = Enrollment.objects.current().filter(officer=officer, course=course).first()
    if existing:
        return existing
    if not course.is_published:
        raise LearningError(_("This course is not open for enrolment."))
    missing = prerequisites_missing(officer=officer, course=course)
    if missing:
        raise LearningError(prerequisites_message(missing))
    enrollment = Enrollment.objects.create(officer=officer, course=course, source=Enrollment.Source.SELF,
                                           unit_id=officer.unit_id)
    counting.count_created([enrollment.pk])
    panel_cache_bump(officer_ids=[officer.pk], panel="learning")
    return enrollment


@transaction.atomic
def enrollment_unenroll(*, officer: Officer, course: Course) -> None:
    """Leave a self-enrolled course that is not completed: the enrollment and its progress are removed.

    Raises LearningError for an assigned course (the manager stops the assignment instead) or a completed one.
    """
    enrollment = (Enrollment.objects.current().select_for_update()
                  .filter(officer=officer, course=course).first())
    if enrollment is None:
        raise LearningError(_("You are not enrolled in this course."))
    if enrollment.source != Enrollment.Source.SELF or enrollment.assignment_id:
        raise LearningError(_("This course was assigned to you; it cannot be left."))
    if enrollment.completed_at is not None:
        raise LearningError(_("A completed course stays on your record."))
    enrollment.delete()  # the post_delete receiver takes it off the counts
    panel_cache_bump(officer_ids=[officer.pk], panel="learning")


def _assignment_officers(assignment: Assignment):  # noqa: ANN202
    officers = Officer.objects.active().filter(unit__path__startswith=assignment.unit.path)
    position_ids = [position.pk for position in assignment.positions.all()]
    if position_ids:
        officers = officers.filter(position_id__in=position_ids)
    return officers


@transaction.atomic
def assignment_sync_enrollments(*, assignment: Assignment | None = None, officer: Officer | None = None) -> int:
    """Make sure every officer an assignment targets has a current enrollment in its course. Idempotent.

    With `assignment`, syncs that assignment; with `officer`, every active assignment that targets them
    (used when an officer joins or moves unit); with neither, every active assignment.
    An officer already enrolled (self-enrolled, or through another assignment) keeps that enrollment; it is
    linked to the assignment and takes the earlier due date if it had none. Returns the number created.
    """
    if assignment is not None:
        assignments = [assignment] if assignment.is_active else []
    else:
        assignments = list(Assignment.objects.filter(is_active=True).select_related("unit", "course"))
        if officer is not None:
            assignments = [a for a in assignments if officer.unit.path.startswith(a.unit.path)]
    created_total = 0
    for current in assignments:
        targets = _assignment_officers(current)
        if officer is not None:
            targets = targets.filter(pk=officer.pk)
        enrolled = Enrollment.objects.current().filter(course_id=current.course_id)
        # Existing, not yet linked to any assignment: link them (self-enrolled officers later assigned).
        linking = enrolled.filter(officer__in=targets, assignment__isnull=True, completed_at__isnull=True)
        linking_pks = list(linking.values_list("pk", flat=True))
        if linking_pks:
            panel_cache_bump(officer_ids=Enrollment.objects.filter(pk__in=linking_pks).values_list(
                "officer_id", flat=True), panel="learning")
            with counting.tracked(linking_pks):  # the due date changes, so may the overdue figure
                Enrollment.objects.filter(pk__in=linking_pks, assignment__isnull=True).update(
                    assignment=current, source=Enrollment.Source.ASSIGNED, due_date=current.due_date,
                )
        missing = list(targets.exclude(pk__in=enrolled.values("officer_id")).values_list("pk", "unit_id"))
        if not missing:
            continue
        panel_cache_bump(officer_ids=[officer_id for officer_id, _unit in missing], panel="learning")
        created = _create_assigned(current, missing)
        counting.count_created([enrollment.pk for enrollment in created])
        created_total += len(created)
        new = Enrollment.objects.filter(pk__in=[enrollment.pk for enrollment in created]).select_related("officer")
        _notify_assigned(current, new)
    return created_total


def _create_assigned(assignment: Assignment, officers: list[tuple[int, int]]) -> list[Enrollment]:
    """Insert the enrollments of (officer id, unit id) pairs; one already enrolled meanwhile is skipped."""
    def build(officer_id: int, unit_id: int) -> Enrollment:
        return Enrollment(course_id=assignment.course_id, officer_id=officer_id, unit_id=unit_id,
                          assignment=assignment, source=Enrollment.Source.ASSIGNED, due_date=assignment.due_date)

    try:
        with transaction.atomic():
            return Enrollment.objects.bulk_create([build(*pair) for pair in officers], batch_size=1000)
    except IntegrityError:  # someone enrolled one of them concurrently: one by one, skipping the clash
        created = []
        for pair in officers:
            try:
                with transaction.atomic():
                    created.append(Enrollment.objects.create(**{
                        field: getattr(build(*pair), field)
                        for field in ("course_id", "officer_id", "unit_id", "assignment_id", "source", "due_date")
                    }))
            except IntegrityError:
                continue
        return created


def _notify_assigned(assignment: Assignment, enrollments: Iterable[Enrollment]) -> None:
    title = _("New course assigned: %(course)s") % {"course": assignment.course.title}
    body = _("Please finish it by %(date)s.") % {"date": assignment.due_date.strftime("%d/%m/%Y")}
    url = reverse("learning:course-detail", kwargs={"pk": assignment.course_id})
    rows = [
        Notification(recipient_id=enrollment.officer.user_id, kind=Notification.Kind.ASSIGNED,
                     reason_key=f"assigned:{enrollment.pk}", title=title, body=body, url=url)
        for enrollment in enrollments
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


@transaction.atomic
def assignment_create(*, course: Course, unit: Unit, due_date: dt.date, positions: Iterable[Position] = (),
                      recertify_months: int | None = None, created_by=None) -> Assignment:  # noqa: ANN001
    """Assign a published course to a unit subtree (and positions) and enrol every targeted officer.

    Raises LearningError for a draft course or a due date in the past.
    """
    if not course.is_published:
        raise LearningError(_("Only a published course can be assigned."))
    if due_date < timezone.localdate():
        raise LearningError(_("The due date cannot be in the past."))
    assignment = Assignment.objects.create(course=course, unit=unit, due_date=due_date,
                                           recertify_months=recertify_months, created_by=created_by)
    assignment.positions.set(list(positions))
    assignment_sync_enrollments(assignment=assignment)
    return assignment


@transaction.atomic
def assignment_deactivate(*, assignment: Assignment) -> Assignment:
    """Stop an assignment from enrolling newcomers; existing enrollments and progress stay."""
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    return assignment


# --- Progress -----------------------------------------------------------------------------------

def _enrollment_for(officer: Officer, lesson: Lesson) -> Enrollment:
    enrollment = Enrollment.objects.current().filter(officer=officer, course_id=lesson.course_id).first()
    if enrollment is None:
        raise LearningError(_("You are not enrolled in this course."))
    return enrollment


def _check_prerequisites(officer: Officer, course: Course) -> None:
    missing = prerequisites_missing(officer=officer, course=course)
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


# --- Certificates -------------------------------------------------------------------------------

def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """The certificate of a completed enrollment (created once; later calls return it).

    Takes the next number of the issuing agency's register for the year (core.certificates), and stores
    the holder's unit and the issuing agency with its signer as they are today (org.selectors.
    certificate_issuer_for_unit). Notifies the holder.
    """
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing:
        return existing
    if enrollment.completed_at is None:
        raise LearningError(_("The course is not completed yet."))
    officer = enrollment.officer
    issued_on = timezone.localdate(enrollment.completed_at)
    months = enrollment.assignment.recertify_months if enrollment.assignment_id else None
    issuer = certificate_issuer_for_unit(unit=officer.unit)
    number = certificate_number_next(issuer_key=issuer.key, series=Certificate.SERIES, year=issued_on.year)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrollment=enrollment, officer=officer, course=enrollment.course, officer_name=officer.full_name,
                    course_title=enrollment.course.title, issued_on=issued_on,
                    valid_until=_add_months(issued_on, months) if months else None,
                    number=number, holder_unit_name=officer.unit.name, **issuer.model_fields(),
                )
            break
        except IntegrityError:  # a verification code clash: draw another
            if Certificate.objects.filter(enrollment=enrollment).exists():
                return Certificate.objects.get(enrollment=enrollment)
    else:
        raise LearningError("could not draw a unique verification code")
    notification_send(
        recipient=officer.user, kind=Notification.Kind.CERTIFICATE, reason_key=f"certificate:{certificate.pk}",
        title=_("Certificate issued: %(course)s") % {"course": certificate.course_title},
        body=_("Congratulations! You completed the course. Your verification code is %(code)s.")
        % {"code": certificate.code},
        url=reverse("learning:certificate-pdf", kwargs={"code": certificate.code}),
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate and notify its holder (in the site and by e-mail). The public verification page
    then shows it as revoked and its PDF is stamped "ĐÃ THU HỒI". Revoking twice changes nothing."""
    if certificate.revoked_at is not None:
        return certificate
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()[:200]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    notification_send(
        recipient=certificate.officer.user, kind=Notification.Kind.CERTIFICATE,
        reason_key=f"certificate-revoked:{certificate.pk}",
        title=_("Certificate revoked: %(course)s") % {"course": certificate.course_title},
        body=_("Your certificate %(number)s (code %(code)s) was revoked. Reason: %(reason)s")
        % {"number": certificate.number or certificate.code, "code": certificate.code,
           "reason": certificate.revoked_reason},
        url=reverse("learning:certificate-verify", kwargs={"code": certificate.code}),
    )
    return certificate


# --- Notifications and reminders ----------------------------------------------------------------

def notification_send(*, recipient, kind: str, reason_key: str, title: str, body: str = "", url: str = "",
                      email: bool = True) -> Notification | None:  # noqa: ANN001
    """Create an in-site notification once per `reason_key` and e-mail it after commit.

    Returns None (and sends nothing) when that reason was already notified.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, kind=kind, reason_key=reason_key,
                                                       title=title, body=body, url=url, email_wanted=email)
    except IntegrityError:
        return None
    if email and recipient.email:
        transaction.on_commit(lambda: _email_notification(notification.pk))
    return notification


EMAIL_MAX_ATTEMPTS = 5
EMAIL_RETRY_DAYS = 14  # older unsent notices are stale: not e-mailed any more


def _email_notification(notification_id: int) -> bool:
    """E-mail one notification (its link made absolute on THADS_SITE_URL). True when sent; a failure is
    logged and counted on the notification, and the next periodic run tries again."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at:
        return False
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{site_url(notification.url)}"
    try:
        send_mail(f"[THADS IT] {notification.title}", body, None, [notification.recipient.email])
    except Exception:  # noqa: BLE001 - the in-site notification stands; the next run retries
        logger.exception("could not e-mail notification %s", notification_id)
        Notification.objects.filter(pk=notification_id).update(email_attempts=F("email_attempts") + 1)
        return False
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now(),
                                                            email_attempts=F("email_attempts") + 1)
    return True


def notifications_email_pending(*, now: dt.datetime | None = None) -> dict[str, int]:
    """E-mail every notification still unsent: those created in bulk (new course assigned) and those whose
    send failed before (up to EMAIL_MAX_ATTEMPTS tries, created within EMAIL_RETRY_DAYS). Recipients without
    an e-mail address and in-site-only notices are left alone. Returns {"emailed": n, "email_failed": n}."""
    now = now or timezone.now()
    pending = (Notification.objects.filter(emailed_at__isnull=True, email_wanted=True,
                                           email_attempts__lt=EMAIL_MAX_ATTEMPTS,
                                           created_at__gte=now - dt.timedelta(days=EMAIL_RETRY_DAYS))
               .exclude(recipient__email="").order_by("pk").values_list("pk", flat=True))
    counts = {"emailed": 0, "email_failed": 0}
    for notification_id in list(pending):
        counts["emailed" if _email_notification(notification_id) else "email_failed"] += 1
    return counts


def notification_mark_read(*, user, notification_id: int | None = None) -> int:  # noqa: ANN001
    """Mark one (or, without id, all) of the user's notifications read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    changed = unread.update(read_at=timezone.now())
    if changed:  # the unread count shows on the home panel
        panel_cache_bump(officer_ids=Officer.objects.filter(user=user).values_list("pk", flat=True), panel="learning")
    return changed


def enrollment_recertify_due(*, today: dt.date) -> int:
    """Start a new cycle for completed enrollments whose certificate expires within RECERTIFY_LEAD_DAYS.

    The old enrollment, its progress and certificate stay as history. Returns the number of new cycles.
    """
    horizon = today + dt.timedelta(days=RECERTIFY_LEAD_DAYS)
    due = (Enrollment.objects.current().filter(certificate__valid_until__lte=horizon,
                                               certificate__revoked_at__isnull=True)
           .select_related("certificate", "course", "officer"))
    started = 0
    for enrollment in due:
        with transaction.atomic():
            with counting.tracked([enrollment.pk]):
                Enrollment.objects.filter(pk=enrollment.pk).update(is_current=False)
            new = Enrollment.objects.create(
                course=enrollment.course, officer=enrollment.officer, assignment=enrollment.assignment,
                source=enrollment.source, due_date=enrollment.certificate.valid_until, cycle=enrollment.cycle + 1,
                unit_id=enrollment.officer.unit_id,
            )
            counting.count_created([new.pk])
            notification_send(
                recipient=enrollment.officer.user, kind=Notification.Kind.RECERTIFY,
                reason_key=f"recertify:{new.pk}",
                title=_("Refresher due: %(course)s") % {"course": enrollment.course.title},
                body=_("Your certificate is valid until %(date)s. Please take the course again by then.")
                % {"date": enrollment.certificate.valid_until.strftime("%d/%m/%Y")},
                url=reverse("learning:course-detail", kwargs={"pk": enrollment.course_id}),
            )
            started += 1
    if started:
        panel_cache_bump_all(panel="learning")
    return started


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic job: enrol newcomers, start refresher cycles, remind officers, send manager digests, then
    e-mail every notification still unsent (new course assigned; earlier failures — counted as email_failed).

    Safe to run as often as wanted: each reminder has a reason key (enrollment + due date, or manager + week)
    and is sent at most once. Returns counts by kind.
    """
    today = today or timezone.localdate()
    counts = {"enrolled": assignment_sync_enrollments(), "recertify": enrollment_recertify_due(today=today),
              "due_soon": 0, "overdue": 0, "digest": 0}
    open_enrollments = (Enrollment.objects.current().filter(completed_at__isnull=True, due_date__isnull=False,
                                                            officer__is_active=True)
                        .select_related("course", "officer__user"))
    soon = open_enrollments.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    for enrollment in soon.iterator(chunk_size=1000):
        sent = notification_send(
            recipient=enrollment.officer.user, kind=Notification.Kind.DUE_SOON,
            reason_key=f"due_soon:{enrollment.pk}:{enrollment.due_date:%Y%m%d}",
            title=_("Course due on %(date)s: %(course)s") % {"date": enrollment.due_date.strftime("%d/%m/%Y"),
                                                              "course": enrollment.course.title},
            body=_("You have done %(percent)s%% of it. Continue where you left off.")
            % {"percent": enrollment.progress_percent},
            url=reverse("learning:course-resume", kwargs={"pk": enrollment.course_id}),
        )
        counts["due_soon"] += bool(sent)
    for enrollment in open_enrollments.filter(due_date__lt=today).iterator(chunk_size=1000):
        sent = notification_send(
            recipient=enrollment.officer.user, kind=Notification.Kind.OVERDUE,
            reason_key=f"overdue:{enrollment.pk}:{enrollment.due_date:%Y%m%d}",
            title=_("Course overdue: %(course)s") % {"course": enrollment.course.title},
            body=_("It was due on %(date)s. Please finish it as soon as you can.")
            % {"date": enrollment.due_date.strftime("%d/%m/%Y")},
            url=reverse("learning:course-resume", kwargs={"pk": enrollment.course_id}),
        )
        counts["overdue"] += bool(sent)
    counts["digest"] = manager_digests_send(today=today)
    counts.update(notifications_email_pending())
    panel_cache_bump_all(panel="learning")  # new enrollments and notifications for many officers
    return counts


def manager_digests_send(*, today: dt.date) -> int:
    """Once a week per unit manager: who in their unit subtree is overdue. Returns digests sent."""
    group = Group.objects.filter(name=Role.UNIT_MANAGER).first()
    if group is None:
        return 0
    year, week, _weekday = today.isocalendar()
    managers = Officer.objects.active().filter(user__groups=group).select_related("unit", "user")
    sent = 0
    for manager in managers:
        overdue = list(
            Enrollment.objects.current()
            .filter(completed_at__isnull=True, due_date__lt=today, officer__is_active=True,
                    officer__unit__path__startswith=manager.unit.path)
            .select_related("officer", "course").order_by("due_date", "officer__full_name")[:51]
        )
        if not overdue:
            continue
        lines = [f"- {e.officer.full_name}: {e.course.title} ({e.due_date:%d/%m/%Y})" for e in overdue[:50]]
        if len(overdue) > 50:
            lines.append("…")
        total = Enrollment.objects.current().filter(
            completed_at__isnull=True, due_date__lt=today, officer__is_active=True,
            officer__unit__path__startswith=manager.unit.path).count()
        notification = notification_send(
            recipient=manager.user, kind=Notification.Kind.DIGEST, reason_key=f"digest:{manager.user_id}:{year}W{week}",
            title=_("%(count)s overdue course enrollments in %(unit)s") % {"count": total, "unit": manager.unit.name},
            body="\n".join(lines), url=reverse("learning:report") + "?status=overdue",
        )
        sent += bool(notification)
    if sent:
        panel_cache_bump_all(panel="learning")
    return sent


# --- Report counts ------------------------------------------------------------------------------

def officer_enrollments_follow(*, officer: Officer) -> int:
    """Move the officer's enrollments (and their counts) to the officer's current unit. Returns how many moved."""
    pks = list(Enrollment.objects.filter(officer=officer).exclude(unit_id=officer.unit_id).values_list("pk", flat=True))
    if pks:
        with counting.tracked(pks):
            Enrollment.objects.filter(pk__in=pks).update(unit_id=officer.unit_id)
    return len(pks)


def enrollment_counts_refresh() -> dict[str, int]:
    """Rebuild the course report's counts from the enrollments (idempotent; fixes any drift).

    Returns {"enrollments": enrollments whose unit was corrected, "cells": count rows corrected}.
    """
    return counting.refresh()
