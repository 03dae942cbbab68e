"""Who may do what in learning."""

from __future__ import annotations

from core.roles import Role, has_role
from org.selectors import officer_for_user, unit_list_visible
from learning.models import Certificate, Enrollment, Lesson


def can_learn(user) -> bool:  # noqa: ANN001
    """Anyone with an officer record takes courses."""
    return officer_for_user(user) is not None


def can_manage_courses(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.TRAINER, Role.ADMIN)


def can_assign_courses(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN)


def can_view_reports(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.TRAINER, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.ADMIN)


def can_assign_to_unit(user, unit) -> bool:  # noqa: ANN001
    return can_assign_courses(user) and unit_list_visible(user=user).filter(pk=unit.pk).exists()


def can_view_lesson(user, lesson: Lesson) -> bool:  # noqa: ANN001
    """Enrolled officers (also after the course is unpublished) and, for preview, course managers."""
    if can_manage_courses(user):
        return True
    officer = officer_for_user(user)
    if officer is None:
        return False
    return Enrollment.objects.current().filter(officer=officer, course_id=lesson.course_id).exists()


def can_download_certificate(user, certificate: Certificate) -> bool:  # noqa: ANN001
    """The holder, and whoever may see the holder's records through the scope rule (managers, admins, and
    trainers of the course whatever the holder's unit)."""
    officer = officer_for_user(user)
    if officer is not None and certificate.officer_id == officer.pk:
        return True
    if not can_view_reports(user):
        return False
    from learning.selectors import certificate_list_visible

    return certificate_list_visible(user=user).filter(pk=certificate.pk).exists()


def can_revoke_certificate(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.TRAINER, Role.ADMIN)


def can_mark_completion(user, course) -> bool:  # noqa: ANN001
    """Marking a learner's lesson or course done by hand: administrators, and trainers of that course
    (its author or co-trainers: the course-based scope), whatever the learner's unit."""
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.TRAINER):
        return False
    from learning.models import Course

    return Course.objects.taught_by(user).filter(pk=course.pk).exists()


def can_manage_course_team(user, course) -> bool:  # noqa: ANN001
    """Adding or removing a course's co-trainers: its author (a trainer) and administrators. Co-trainers
    teach the course but do not choose who else does."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.TRAINER) and course.created_by_id is not None and course.created_by_id == user.pk
