"""Receivers: org must not import learning, so learning listens to org's saves."""

from __future__ import annotations


def officer_saved(sender, instance, created: bool = False, **kwargs) -> None:  # noqa: ANN001, ANN003
    """An officer created or moved into a unit enrolls in the assignments that now target them."""
    if kwargs.get("raw") or not instance.is_active:
        return
    from learning.services import assignment_sync_enrollments

    assignment_sync_enrollments(officer=instance)
