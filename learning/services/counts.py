"""The report count tables."""

from __future__ import annotations

from learning import counting
from learning.models import Enrollment
from org.models import Officer


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
