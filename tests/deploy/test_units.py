"""The shipped systemd timers run commands that exist, and every periodic command has a timer."""

from __future__ import annotations

import re

from django.core.management import get_commands

from tests.deploy.conftest import ROOT

SYSTEMD = ROOT / "deploy" / "systemd"
# Commands the site runs on a schedule (docs/deploy.md); each must have its timer.
PERIODIC = {"close_overdue_attempts", "send_reminders", "refresh_learning_counts", "recompute_timeliness",
            "fill_counts", "send_adoption_nudges", "build_monthly_reports", "escalate_help_requests",
            "send_focal_digest"}


def _timer_commands() -> dict[str, str]:
    found = {}
    for timer in SYSTEMD.glob("thads-*.timer"):
        match = re.search(r"^Unit=thads-job@(\w+)\.service$", timer.read_text(encoding="utf-8"), re.M)
        if match:
            found[timer.name] = match.group(1)
    return found


def test_every_timer_runs_an_existing_command():
    commands = get_commands()
    timers = _timer_commands()
    assert timers, "no timer found in deploy/systemd"
    missing = {name: command for name, command in timers.items() if command not in commands}
    assert not missing, missing


def test_every_periodic_command_has_a_timer_and_is_documented():
    scheduled = set(_timer_commands().values())
    assert PERIODIC <= scheduled, sorted(PERIODIC - scheduled)
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert all(f"thads-{command}" in guide for command in PERIODIC)
