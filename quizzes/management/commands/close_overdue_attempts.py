"""Close attempts whose deadline (plus the grace period) has passed, grading the answers saved."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from quizzes.services import attempt_close_overdue


class Command(BaseCommand):
    help = "Close overdue quiz attempts (idempotent; run every minute from cron or a timer)."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003
        closed = attempt_close_overdue()
        if options["verbosity"] > 0:
            self.stdout.write(f"closed {closed}")
