"""Load the deterministic demo data of every app (each app's `demo.seed`), then run periodic jobs once."""

from __future__ import annotations

import random
from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_SEED = 2021
# Periodic jobs the demo runs once after seeding, if the app that owns them is installed.
PERIODIC_COMMANDS = ["close_overdue_attempts", "send_reminders", "refresh_learning_counts", "refresh_counts"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: data already there is left alone)."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            self.stdout.write(f"demo: {app_config.label}")
            module.seed(rng=random.Random(f"{DEMO_SEED}-{app_config.label}"))
        from django.core.management import get_commands

        available = get_commands()
        for name in PERIODIC_COMMANDS:
            if name in available:
                call_command(name, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
