"""Rebuild the course report's counts from the enrollments.

The services keep the counts exact; run this after bulk changes made outside them (or daily from cron as a
safety net). Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from learning.services import enrollment_counts_refresh


class Command(BaseCommand):
    help = "Rebuild the course report's enrollment counts from the enrollments (idempotent; fixes drift)."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        fixed = enrollment_counts_refresh()
        if options["verbosity"]:
            self.stdout.write(f"enrollments moved to their officer's unit: {fixed['enrollments']}, "
                              f"count cells corrected: {fixed['cells']}")
