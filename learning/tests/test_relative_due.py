"""Relative due dates: a late joiner has N days from their enrolment, and is not reminded as overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from learning import counting, selectors, services
from learning.models import Assignment, Enrollment, Notification
from learning.tests.factories import due_in, make_course
from org import services as org_services

pytestmark = pytest.mark.django_db


def test_assignment_date_applies_when_it_is_later_than_enrolment_plus_n(world):
    course = make_course()
    assignment = services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(30),
                                            due_days_after_enrolment=14)
    assert set(assignment.enrollments.values_list("due_date", flat=True)) == {due_in(30)}


def test_enrolment_plus_n_applies_when_it_is_later(world):
    course = make_course()
    assignment = services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(3),
                                            due_days_after_enrolment=14)
    assert set(assignment.enrollments.values_list("due_date", flat=True)) == {due_in(14)}
    assert assignment.due_date_for(timezone.localdate() + dt.timedelta(days=1)) == due_in(15)


def test_late_joiner_gets_their_own_due_date_and_no_overdue_reminder(world):
    course = make_course()
    assignment = services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(5),
                                            due_days_after_enrolment=10)
    # Twenty days later (the assignment made as if long ago): its date and the first officers' have passed.
    Assignment.objects.filter(pk=assignment.pk).update(due_date=due_in(-15))
    Enrollment.objects.filter(assignment=assignment).update(due_date=due_in(-5))
    services.enrollment_counts_refresh()
    newcomer = org_services.officer_create(full_name="Lâm Thị Mới", email="moi@moj.gov.vn", unit=world.units["A1"],
                                           position=world.positions["clerk"])
    late = Enrollment.objects.get(course=course, officer=newcomer)
    assert late.due_date == due_in(10)  # max(15 days ago, today + 10)
    counts = services.reminders_send()
    overdue = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    assert counts["overdue"] == 3 == overdue.count()  # the three officers of A's subtree enrolled at first
    assert not overdue.filter(recipient=newcomer.user).exists()
    assigned = Notification.objects.get(kind=Notification.Kind.ASSIGNED, recipient=newcomer.user)
    assert due_in(10).strftime("%d/%m/%Y") in assigned.body
    digest = Notification.objects.get(kind=Notification.Kind.DIGEST)
    assert "Lâm Thị Mới" not in digest.body
    # Run again on the following days up to the newcomer's own due date: still no overdue reminder for them.
    for days in (1, 5, 10):
        services.reminders_send(today=timezone.localdate() + dt.timedelta(days=days))
    assert not Notification.objects.filter(kind=Notification.Kind.OVERDUE, recipient=newcomer.user).exists()
    services.reminders_send(today=timezone.localdate() + dt.timedelta(days=11))
    assert Notification.objects.filter(kind=Notification.Kind.OVERDUE, recipient=newcomer.user).count() == 1
    # The count table is keyed by each enrollment's own due date and stays exact.
    assert counting.stored_counts() == counting.direct_counts()
    row = next(row for row in selectors.report_funnel(user=world.user("admin"), course_id=course.pk)
               if row["officer__unit_id"] == world.units["A1"].pk)
    assert row["assigned"] == 2 and row["overdue"] == 1  # other_a1 overdue, the newcomer not


def test_fixed_due_date_is_unchanged(world):
    course = make_course()
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10))
    newcomer = org_services.officer_create(full_name="Lâm Thị Mới", email="moi@moj.gov.vn", unit=world.units["A1"],
                                           position=world.positions["clerk"])
    assert Enrollment.objects.get(course=course, officer=newcomer).due_date == due_in(10)


def test_assignment_form_takes_the_relative_due_date(world, client_for):
    from django.urls import reverse

    course = make_course()
    response = client_for("unit_manager").post(reverse("learning:assignment-create"), {
        "course": course.pk, "unit": world.units["A"].pk, "due_date": due_in(2).isoformat(),
        "due_days_after_enrolment": 21,
    })
    assert response.status_code == 302
    assignment = Assignment.objects.get(course=course)
    assert assignment.due_days_after_enrolment == 21
    assert set(assignment.enrollments.values_list("due_date", flat=True)) == {due_in(21)}
    page = client_for("unit_manager").get(reverse("learning:assignment-list")).content.decode()
    assert "hoặc 21 ngày sau khi ghi danh nếu muộn hơn" in page
