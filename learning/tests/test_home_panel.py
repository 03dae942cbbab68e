"""The cached home panel follows the officer's own learning and a course assigned to them at once."""

from __future__ import annotations

from django.urls import reverse

from learning import services
from learning.models import Lesson
from learning.tests.factories import due_in, make_course


def test_enrolling_and_completing_show_at_once(world, client_for):
    officer = world.officers["officer"]
    course = make_course(title="Khóa học chữ ký số", lessons=1)
    client = client_for("officer")
    assert "Khóa học chữ ký số" not in client.get(reverse("core:home")).content.decode()
    services.enrollment_self_enroll(officer=officer, course=course)
    assert "Khóa học chữ ký số" in client.get(reverse("core:home")).content.decode()
    services.lesson_progress_complete(officer=officer, lesson=Lesson.objects.get(course=course))
    body = client.get(reverse("core:home")).content.decode()
    assert "Khóa học chữ ký số" not in body and reverse("learning:notification-list") in body


def test_a_course_assigned_by_the_manager_shows_at_once(world, client_for):
    course = make_course(title="Khóa học được giao", lessons=1)
    client = client_for("officer")
    assert "Khóa học được giao" not in client.get(reverse("core:home")).content.decode()
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10),
                               by=world.user("unit_manager"))
    assert "Khóa học được giao" in client.get(reverse("core:home")).content.decode()


def test_reading_notifications_shows_at_once(world, client_for):
    course = make_course(title="Khóa học được giao", lessons=1)
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10))
    client = client_for("officer")
    link = reverse("learning:notification-list")
    assert link in client.get(reverse("core:home")).content.decode()
    services.notification_mark_read(user=world.user("officer"))
    assert link not in client.get(reverse("core:home")).content.decode()
