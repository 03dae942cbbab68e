"""Enrollment: prerequisites, self-enrolment, assignments and the enrollments they create."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump
from learning import counting
from learning.models import Assignment, Course, Enrollment, Notification
from learning.selectors import course_prerequisites_missing
from learning.services.common import LearningError
from org.models import Officer, Position, Unit


# --- Enrollment ---------------------------------------------------------------------------------

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
    missing = course_prerequisites_missing(officer=officer, course=course)
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
def assignment_sync_enrollments(*, assignment: Assignment | None = None, officer: Officer | None = None,
                                today: dt.date | None = None) -> int:
    """Make sure every officer an assignment targets has a current enrollment in its course. Idempotent.

    With `assignment`, syncs that assignment; with `officer`, every active assignment that targets them
    (used when an officer joins or moves unit); with neither, every active assignment.
    An officer already enrolled (self-enrolled, or through another assignment) keeps that enrollment; one not
    linked to any assignment is linked to this one and takes its due date. The due date is the assignment's,
    or with a relative due date ("N days after enrolment") the later of it and `today` (the day the officer
    is enrolled or linked, default today) + N days. Returns the number created.
    """
    today = today or timezone.localdate()
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
                    assignment=current, source=Enrollment.Source.ASSIGNED, due_date=current.due_date_for(today),
                )
        missing = list(targets.exclude(pk__in=enrolled.values("officer_id")).values_list("pk", "unit_id"))
        if not missing:
            continue
        panel_cache_bump(officer_ids=[officer_id for officer_id, _unit in missing], panel="learning")
        created = _create_assigned(current, missing, due_date=current.due_date_for(today))
        counting.count_created([enrollment.pk for enrollment in created])
        created_total += len(created)
        new = Enrollment.objects.filter(pk__in=[enrollment.pk for enrollment in created]).select_related("officer")
        _notify_assigned(current, new, due_date=current.due_date_for(today))
    return created_total


def _create_assigned(assignment: Assignment, officers: list[tuple[int, int]], *,
                     due_date: dt.date) -> list[Enrollment]:
    """Insert the enrollments of (officer id, unit id) pairs; one already enrolled meanwhile is skipped."""
    def build(officer_id: int, unit_id: int) -> Enrollment:
        return Enrollment(course_id=assignment.course_id, officer_id=officer_id, unit_id=unit_id,
                          assignment=assignment, source=Enrollment.Source.ASSIGNED, due_date=due_date)

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


def _notify_assigned(assignment: Assignment, enrollments: Iterable[Enrollment], *, due_date: dt.date) -> None:
    title = _("New course assigned: %(course)s") % {"course": assignment.course.title}
    body = _("Please finish it by %(date)s.") % {"date": due_date.strftime("%d/%m/%Y")}
    url = reverse("learning:course-detail", kwargs={"pk": assignment.course_id})
    rows = [
        Notification(recipient_id=enrollment.officer.user_id, kind=Notification.Kind.ASSIGNED,
                     reason_key=f"assigned:{enrollment.pk}", title=title, body=body, url=url)
        for enrollment in enrollments
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


@transaction.atomic
def assignment_create(*, course: Course, unit: Unit, due_date: dt.date, positions: Iterable[Position] = (),
                      recertify_months: int | None = None, due_days_after_enrolment: int | None = None,
                      by=None) -> Assignment:  # noqa: ANN001
    """Assign a published course to a unit subtree (and positions) and enrol every targeted officer.

    With `due_days_after_enrolment` (N), each officer's due date is the later of `due_date` and the day they
    are enrolled + N days, so that officers who join later get N days too.
    Raises LearningError for a draft course or a due date in the past.
    """
    if not course.is_published:
        raise LearningError(_("Only a published course can be assigned."))
    if due_date < timezone.localdate():
        raise LearningError(_("The due date cannot be in the past."))
    assignment = Assignment.objects.create(course=course, unit=unit, due_date=due_date,
                                           recertify_months=recertify_months, created_by=by,
                                           due_days_after_enrolment=due_days_after_enrolment or None)
    assignment.positions.set(list(positions))
    assignment_sync_enrollments(assignment=assignment)
    return assignment


@transaction.atomic
def assignment_deactivate(*, assignment: Assignment) -> Assignment:
    """Stop an assignment from enrolling newcomers; existing enrollments and progress stay."""
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    return assignment
