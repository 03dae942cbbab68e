"""Nudges: once per reason, through learning's notifications, and the officer sees why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from analytics.services.nudges import inactive_reminders_send, manager_digests_send
from analytics.tests.factories import make_software, put_officer_counts
from learning.models import Notification

# Written against a catalogue each test builds; the seeded one is set aside.
pytestmark = pytest.mark.usefixtures("empty_catalogue")


def test_officer_inactive_in_expected_software_is_reminded_once(world, client_for):
    today = timezone.localdate()
    make_software("QLVB", "Quản lý văn bản", positions=[world.positions["enforcement_officer"]])
    officer = world.officers["officer"]
    put_officer_counts(officer, today - dt.timedelta(days=20), active__QLVB=1)
    assert inactive_reminders_send(today=today) == 1  # only the enforcement officer's position needs it
    assert inactive_reminders_send(today=today) == 0  # same reason: not again
    note = Notification.objects.get(recipient=officer.user)
    assert note.reason_key.startswith("adoption:inactive:")
    assert "Quản lý văn bản" in note.title
    assert (today - dt.timedelta(days=20)).strftime("%d/%m/%Y") in note.body
    assert "Chấp hành viên" in note.body
    html = client_for("officer").get(reverse("analytics:scorecard")).content.decode()
    assert "Vì sao bạn được nhắc" in html and note.title in html
    # Used again, then idle again: a new spell, a new reminder.
    put_officer_counts(officer, today - dt.timedelta(days=2), active__QLVB=1)
    assert inactive_reminders_send(today=today) == 0
    assert inactive_reminders_send(today=today + dt.timedelta(days=20)) == 1


def test_active_officer_is_not_reminded(world):
    today = timezone.localdate()
    make_software("QLVB", positions=[world.positions["enforcement_officer"]])
    put_officer_counts(world.officers["officer"], today - dt.timedelta(days=3), active__QLVB=1)
    assert inactive_reminders_send(today=today) == 0


def test_manager_digest_once_a_week_lists_own_subtree_laggards(world):
    today = timezone.localdate()
    make_software("EMAIL", "Thư điện tử")
    mail.outbox.clear()
    assert manager_digests_send(today=today) == 1
    assert manager_digests_send(today=today) == 0
    digest = Notification.objects.get(recipient=world.user("unit_manager"), reason_key__startswith="adoption:digest:")
    assert "Nguyễn Văn Á" in digest.body and "Trần Thị OTHER_A1" in digest.body
    assert "OTHER_B" not in digest.body
    assert "EMAIL" in digest.body
    assert manager_digests_send(today=today + dt.timedelta(days=7)) == 1


def test_command_runs_both_and_is_idempotent(world):
    make_software("EMAIL")
    call_command("send_adoption_nudges", verbosity=0)
    count = Notification.objects.filter(reason_key__startswith="adoption:").count()
    assert count > 0
    call_command("send_adoption_nudges", verbosity=0)
    assert Notification.objects.filter(reason_key__startswith="adoption:").count() == count
