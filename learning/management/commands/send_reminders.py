"""Cron job: enrol newcomers to assignments, start refresher cycles, send due/overdue reminders and digests.

Run it as often as you like (e.g. daily at 7:00): each reminder has a unique reason and goes out once.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from learning.services import reminders_send


class Command(BaseCommand):
    help = "Send course reminders and managers' overdue digests (idempotent)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        counts = reminders_send(today=today)
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
