"""Publishing refuses a quiz lesson without a usable quiz; revoking a certificate asks first; a course can be
duplicated for next year."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from learning import services
from learning.models import Certificate, Course, CourseImage, Lesson
from learning.tests.factories import due_in, make_course
from quizzes.models import QuestionCategory, Quiz, QuizSlot

pytestmark = pytest.mark.django_db


def _course_with_quiz_lesson(world) -> tuple[Course, Lesson]:  # noqa: ANN001
    course = make_course(code="PQ", lessons=1, publish=False, created_by=world.user("trainer"))
    lesson = services.lesson_save(module=course.modules.get(), title="Kiểm tra cuối khóa", kind=Lesson.Kind.QUIZ)
    return course, lesson


def test_publishing_is_refused_while_a_quiz_lesson_has_no_quiz_or_no_question(world, client_for):
    course, lesson = _course_with_quiz_lesson(world)
    with pytest.raises(services.LearningError, match="“Kiểm tra cuối khóa” là bài kiểm tra nhưng chưa gắn đề"):
        services.course_publish(course=course)
    client = client_for("trainer")
    response = client.post(reverse("learning:course-publish", kwargs={"pk": course.pk}), follow=True)
    assert "Bài học “Kiểm tra cuối khóa” là bài kiểm tra nhưng chưa gắn đề kiểm tra" in response.content.decode()
    course.refresh_from_db()
    assert not course.is_published
    quiz = Quiz.objects.create(title="Đề cuối khóa", lesson=lesson)
    with pytest.raises(services.LearningError, match="Đề kiểm tra của bài học “Kiểm tra cuối khóa” chưa có câu hỏi"):
        services.course_publish(course=course)
    edit = client.get(reverse("learning:course-edit", kwargs={"pk": course.pk})).content.decode()
    assert "Cần xử lý trước khi xuất bản" in edit and "chưa có câu hỏi nào" in edit
    category = QuestionCategory.objects.create(name="Chung")
    QuizSlot.objects.create(quiz=quiz, position=1, random_category=category)
    services.course_publish(course=course)
    course.refresh_from_db()
    assert course.is_published


def test_revoking_a_certificate_asks_first(world, client_for):
    officer = world.officers["officer"]
    course = make_course(code="RV", lessons=1, created_by=world.user("trainer"))
    services.enrollment_self_enroll(officer=officer, course=course)
    services.lesson_progress_complete(officer=officer, lesson=course.lessons.get())
    certificate = Certificate.objects.get(officer=officer, course=course)
    client = client_for("trainer")
    url = reverse("learning:certificate-revoke", kwargs={"code": certificate.code})
    page = client.get(url).content.decode()
    assert "Thu hồi chứng nhận này" in page and certificate.code in page
    assert client.post(url, {"reason": ""}).status_code == 200  # no reason: asked again, nothing revoked
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked
    client.post(url, {"reason": "Cấp nhầm người"})
    assert Certificate.objects.get(pk=certificate.pk).is_revoked


def test_duplicating_a_course_copies_its_content_not_its_learners(world, client_for):
    officer = world.officers["officer"]
    course = services.course_create(by=world.user("trainer"), code="CKS", title="Chữ ký số", category="e_office",
                                    summary="Ký số văn bản", skill_tags="IU06")
    image = CourseImage(course=course)
    image.image.save("anh.png", ContentFile(b"\x89PNG\r\n"))
    module = services.module_save(course=course, title="Ký số")
    services.lesson_save(module=module, title="Đọc", kind=Lesson.Kind.TEXT, completion_rule="time",
                         completion_minutes=4, body=f"![Token](/learning/images/{image.pk}/)")
    pdf = services.lesson_save(module=module, title="Tài liệu", kind=Lesson.Kind.FILE, completion_rule="file")
    pdf.attachment.save("huong-dan.pdf", ContentFile(b"%PDF-1.4"))
    gone = services.lesson_save(module=module, title="Bài cũ", kind=Lesson.Kind.TEXT, body="x")
    services.course_publish(course=course)
    services.lesson_open(officer=services.enrollment_self_enroll(officer=officer, course=course).officer,
                         lesson=gone)
    services.lesson_remove(lesson=gone)  # archived: not copied
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10))
    course.prerequisites.add(make_course(code="IU01", lessons=1))
    services.course_update(course=course, lock_order=True)

    # Someone other than the author duplicates it: the copy is theirs.
    from django.test import Client

    other = world.officers["admin"].user
    client = Client()
    client.force_login(other)
    response = client.post(reverse("learning:course-duplicate", kwargs={"pk": course.pk}))
    copy = Course.objects.exclude(pk=course.pk).get(code__startswith="CKS-")
    assert response.url == reverse("learning:course-edit", kwargs={"pk": copy.pk})
    assert copy.title == "Chữ ký số (bản sao)" and copy.code == "CKS-ban-sao"
    assert copy.status == Course.Status.DRAFT and copy.created_by == other
    assert (copy.summary, copy.lock_order, copy.skill_tags) == ("Ký số văn bản", True, "IU06")
    assert list(copy.prerequisites.values_list("code", flat=True)) == ["IU01"]
    lessons = list(copy.lessons.order_by("position"))
    assert [(x.title, x.completion_rule, x.completion_minutes) for x in lessons] == [
        ("Đọc", "time", 4), ("Tài liệu", "file", 2)]
    assert lessons[1].attachment.name == pdf.attachment.name  # the same stored file, referred to
    new_image = copy.images.get()
    assert new_image.image.name == image.image.name
    assert f"/learning/images/{new_image.pk}/" in lessons[0].body
    assert not copy.enrollments.exists() and not copy.assignments.exists() and not copy.certificates.exists()
    assert course.lessons.count() == 3 and course.enrollments.count() == 3  # the original is untouched
    # A second copy gets the next free code.
    assert services.course_duplicate(course=course, by=other).code == "CKS-ban-sao-2"


def test_duplicating_leaves_quiz_lessons_to_be_attached(world):
    course, lesson = _course_with_quiz_lesson(world)
    Quiz.objects.create(title="Đề", lesson=lesson)
    copy = services.course_duplicate(course=course, by=world.user("trainer"))
    assert copy.lessons.filter(kind=Lesson.Kind.QUIZ, completion_rule="quiz").count() == 1
    assert services.course_publish_problems(course=copy) == [
        "Bài học “Kiểm tra cuối khóa” là bài kiểm tra nhưng chưa gắn đề kiểm tra: hãy gắn một đề ở mục Bài kiểm tra."]
