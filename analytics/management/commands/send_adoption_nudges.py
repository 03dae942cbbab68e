"""Cron job: weekly adoption digests to unit managers and reminders to officers inactive in a software
their position needs. Run it daily; each nudge has a unique reason and goes out once."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from analytics.services.nudges import nudges_send


class Command(BaseCommand):
    help = "Send adoption nudges: managers' weekly digests and officers' software reminders (idempotent)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        try:
            today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        except ValueError as exc:
            raise CommandError(f"--today: expected YYYY-MM-DD, got {options['today']!r}") from exc
        counts = nudges_send(today=today)
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
