"""Build "Báo cáo tình hình ứng dụng CNTT tháng MM/YYYY" (.xlsx and PDF) for every unit; for cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics.filters import parse_month
from analytics.reports.monthly import reports_build_all
from analytics.selectors import add_months


class Command(BaseCommand):
    help = "Build the monthly IT adoption reports of every unit (default: last month)."

    def add_arguments(self, parser):  # noqa: ANN001
        parser.add_argument("--month", help="YYYY-MM (default: the month before this one)")
        parser.add_argument("--unit", action="append", dest="units", help="unit code (repeatable)")

    def handle(self, *args, **options):  # noqa: ANN002, ANN003
        default = add_months(timezone.localdate(), -1)
        month = parse_month(options["month"], default=default) if options["month"] else default
        if options["month"] and month.strftime("%Y-%m") != options["month"].strip():
            raise CommandError(f"--month: expected YYYY-MM, got {options['month']!r}")
        if month > timezone.localdate():
            raise CommandError("--month: the month is in the future")
        written = reports_build_all(month=month, unit_codes=options["units"])
        self.stdout.write(f"{len(written)} files written for {month:%m/%Y}")
