"""Nightly job: fill the adoption count tables and the adoption scores of the months touched."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from analytics import services


class Command(BaseCommand):
    help = "Fill the daily count tables up to yesterday (or --through), refill late days, compute scores."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--through", help="last day to fill, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--start", help="first day of a first fill, YYYY-MM-DD")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        try:
            through = date.fromisoformat(options["through"]) if options["through"] else None
            start = date.fromisoformat(options["start"]) if options["start"] else None
        except ValueError as exc:
            raise CommandError(f"bad date: {exc}") from exc
        report, scores = services.counts_and_scores_fill(through=through, start=start)
        if report.nothing_done:
            self.stdout.write("fill_counts: nothing to fill")
            return
        ranges = ", ".join(f"{begin}…{end}" for begin, end in report.filled) or "-"
        self.stdout.write(f"fill_counts: filled {ranges}; refilled {len(report.refilled)} day(s); "
                          f"{report.officer_rows} officer rows, {report.unit_rows} unit rows; {scores} scores")
