"""Removing a lesson and stopping an assignment ask for confirmation first; nothing changes until confirmed."""

from __future__ import annotations

from django.urls import reverse

from learning import services
from learning.models import Assignment, Lesson
from learning.tests.factories import due_in, make_course


def test_removing_a_lesson_asks_first(world, client_for):
    course = make_course(publish=False)
    lesson = course.lessons.first()
    client = client_for("trainer")
    url = reverse("learning:lesson-remove", kwargs={"pk": lesson.pk})
    page = client.post(url)
    assert page.status_code == 200 and "Đồng ý xoá" in page.content.decode() and lesson.title in page.content.decode()
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


def test_stopping_an_assignment_asks_first(world, client_for):
    assignment = services.assignment_create(course=make_course(), unit=world.units["A"], due_date=due_in(10))
    client = client_for("unit_manager")
    url = reverse("learning:assignment-deactivate", kwargs={"pk": assignment.pk})
    page = client.post(url)
    assert page.status_code == 200 and "Đồng ý dừng" in page.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).is_active
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Assignment.objects.get(pk=assignment.pk).is_active
