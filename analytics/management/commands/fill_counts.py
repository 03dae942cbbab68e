"""Nightly job: fill the adoption count tables and the adoption scores of the months touched, then build
the figures of the pages managers and leaders land on into the shared cache (not with the embedded
default's process-local cache, where the site's processes would never see them)."""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analytics import selectors, services, views


class Command(BaseCommand):
    help = "Fill the daily count tables up to yesterday (or --through), refill late days, compute scores."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--through", help="last day to fill, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--start", help="first day of a first fill, YYYY-MM-DD")
        parser.add_argument("--no-warm", action="store_true",
                            help="do not build the managers' and leaders' landing pages into the cache")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        try:
            through = date.fromisoformat(options["through"]) if options["through"] else None
            start = date.fromisoformat(options["start"]) if options["start"] else None
        except ValueError as exc:
            raise CommandError(f"bad date: {exc}") from exc
        report, scores = services.counts_and_scores_fill(through=through, start=start)
        if report.nothing_done:
            self.stdout.write("fill_counts: nothing to fill")
        else:
            ranges = ", ".join(f"{begin}…{end}" for begin, end in report.filled) or "-"
            self.stdout.write(f"fill_counts: filled {ranges}; refilled {len(report.refilled)} day(s); "
                              f"{report.officer_rows} officer rows, {report.unit_rows} unit rows; {scores} scores")
        if options["no_warm"]:
            return
        if "locmem" in settings.CACHES["default"]["BACKEND"]:
            # The pages' figures are keyed by the day: a new day needs them built again, filled or not.
            self.stdout.write("fill_counts: landing pages not built (the cache is local to each process)")
            return
        started = time.perf_counter()
        built = selectors.landing_figures_warm(province_page=views.province_content,
                                               dashboard_page=views.dashboard_sections_warm)
        self.stdout.write(f"fill_counts: {built} landing page(s) built into the cache in "
                          f"{time.perf_counter() - started:.1f} s")
