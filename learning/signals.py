"""Receivers: org must not import learning, so learning listens to org's saves."""

from __future__ import annotations


def officer_saved(sender, instance, created: bool = False, **kwargs) -> None:  # noqa: ANN001, ANN003
    """An officer who moved unit takes their enrollments (and report counts) along; an officer created or moved
    into a unit enrolls in the assignments that now target them."""
    if kwargs.get("raw"):
        return
    from learning.services import assignment_sync_enrollments, officer_enrollments_follow

    if not created:
        officer_enrollments_follow(officer=instance)
    if not instance.is_active:
        return
    assignment_sync_enrollments(officer=instance)


def enrollment_deleted(sender, instance, **kwargs) -> None:  # noqa: ANN001, ANN003
    """A deleted enrollment (left by the officer, or with its officer) leaves the report counts."""
    from learning import counting

    counting.count_keys([counting.key_of(course_id=instance.course_id, unit_id=instance.unit_id,
                                         due_date=instance.due_date, started_at=instance.started_at,
                                         completed_at=instance.completed_at, is_current=instance.is_current)], -1)
