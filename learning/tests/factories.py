"""Small builders for learning tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from learning import services
from learning.models import Course, Lesson


def make_course(*, code: str = "C1", title: str = "Sử dụng chữ ký số", lessons: int = 2, quiz: bool = False,
                publish: bool = True, created_by=None) -> Course:  # noqa: ANN001
    course = services.course_create(by=created_by, code=code, title=title, category=Course.Category.E_OFFICE,
                                    estimated_minutes=20, skill_tags="IU06")
    module = services.module_save(course=course, title="Phần 1")
    for index in range(lessons):
        services.lesson_save(module=module, title=f"Bài {index + 1}", kind=Lesson.Kind.TEXT,
                             body=f"Nội dung bài {index + 1}")
    if quiz:
        services.lesson_save(module=module, title="Kiểm tra", kind=Lesson.Kind.QUIZ)
    if publish and quiz:
        # The quiz lesson has no quiz here (learning's tests do not build one): course_publish would refuse it.
        Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED, published_at=timezone.now())
        course.refresh_from_db()
    elif publish:
        services.course_publish(course=course)
    return course


def due_in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)
