"""Recompute step lags, on-time flags and open deadlines' due dates after the calendar or a rule changed."""

from django.core.management.base import BaseCommand

from cases.services import timeliness_recompute


class Command(BaseCommand):
    help = "Recompute case-step timeliness and open due dates (run after editing calendar overrides)."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003
        changed = timeliness_recompute()
        self.stdout.write(f"{changed} step(s) updated.")
