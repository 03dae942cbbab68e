"""Per-lesson completion rules and lessons locked in order: what completes a lesson, and that posting the
learner's tick or asking for a locked lesson's address cannot get round them."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from learning import services
from learning.models import Course, Enrollment, Lesson, LessonProgress
from learning.tests.factories import make_course

pytestmark = pytest.mark.django_db
RULE = Lesson.CompletionRule


def _course_with(*rules: tuple[str, str, dict], lock: bool = False) -> Course:
    """A published course whose lessons are (kind, rule, extra fields)."""
    course = services.course_create(by=None, code="R1", title="Quy tắc hoàn thành", category="e_office",
                                    lock_order=lock)
    module = services.module_save(course=course, title="Phần 1")
    for index, (kind, rule, extra) in enumerate(rules, start=1):
        lesson = services.lesson_save(module=module, title=f"Bài {index}", kind=kind, body="Nội dung",
                                      completion_rule=rule, **extra)
        if kind == Lesson.Kind.VIDEO:
            lesson.video.save("bai.mp4", ContentFile(b"0123456789"))
        if kind == Lesson.Kind.FILE:
            lesson.attachment.save("bai.pdf", ContentFile(b"%PDF-1.4 tep"))
    services.course_publish(course=course)
    return course


def _lesson(course: Course, number: int) -> Lesson:
    return course.lessons.get(title=f"Bài {number}")


def _progress(officer, lesson: Lesson) -> LessonProgress:  # noqa: ANN001
    return LessonProgress.objects.get(enrollment__officer=officer, lesson=lesson)


def _age_last_seen(officer, lesson: Lesson, seconds: int) -> None:  # noqa: ANN001
    """As if the page had been opened (or had last said it was visible) `seconds` ago."""
    progress = _progress(officer, lesson)
    LessonProgress.objects.filter(pk=progress.pk).update(
        last_seen_at=progress.last_seen_at - dt.timedelta(seconds=seconds))


def test_viewed_lesson_completes_on_opening(world):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.VIEWED, {}), (Lesson.Kind.TEXT, RULE.MANUAL, {}))
    services.enrollment_self_enroll(officer=officer, course=course)
    services.lesson_open(officer=officer, lesson=_lesson(course, 1))
    assert _progress(officer, _lesson(course, 1)).source == LessonProgress.Source.VIEWED
    assert Enrollment.objects.get(officer=officer, course=course).progress_percent == 50


def test_time_rule_counts_only_server_measured_time_and_refuses_the_tick(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.TIME, {"completion_minutes": 2}))
    lesson = _lesson(course, 1)
    services.enrollment_self_enroll(officer=officer, course=course)
    client = client_for("officer")
    opened = time.monotonic()
    page = client.get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk})).content.decode()
    assert "Hoàn thành khi: xem ít nhất 2 phút" in page
    assert "Đánh dấu đã học" not in page  # no tick button for this rule
    # Posting the tick directly, or heartbeats in quick succession claiming time, completes nothing.
    response = client.post(reverse("learning:lesson-complete", kwargs={"pk": lesson.pk}))
    assert response.status_code == 302
    for _ in range(5):
        client.post(reverse("learning:lesson-heartbeat", kwargs={"pk": lesson.pk}), {"seconds": "100000"})
    # Only the time the server saw pass counts (a few seconds, more on a loaded machine), never the claim.
    elapsed = time.monotonic() - opened
    progress = _progress(officer, lesson)
    assert progress.completed_at is None and progress.seen_seconds <= elapsed + 1, (progress.seen_seconds, elapsed)
    seen_before = progress.seen_seconds
    with pytest.raises(services.LearningError, match="xem ít nhất 2 phút"):
        services.lesson_progress_complete(officer=officer, lesson=lesson, source="manual")
    # A long gap counts at most MAX_HEARTBEAT_SECONDS: a tab left open overnight is not two minutes of study.
    _age_last_seen(officer, lesson, 3600)
    answer = client.post(reverse("learning:lesson-heartbeat", kwargs={"pk": lesson.pk})).json()
    assert answer["completed"] is True  # 120 s = 2 minutes
    progress = _progress(officer, lesson)
    assert progress.source == LessonProgress.Source.TIME
    assert progress.seen_seconds == seen_before + services.MAX_HEARTBEAT_SECONDS
    assert Enrollment.objects.get(officer=officer, course=course).completed_at is not None


def test_time_rule_needs_the_full_time(world):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.TIME, {"completion_minutes": 3}))
    lesson = _lesson(course, 1)
    services.enrollment_self_enroll(officer=officer, course=course)
    services.lesson_open(officer=officer, lesson=lesson)
    for _ in range(5):  # five half-minute heartbeats: 150 s < 180 s
        _age_last_seen(officer, lesson, 30)
        services.lesson_heartbeat(officer=officer, lesson=lesson)
    assert _progress(officer, lesson).completed_at is None
    _age_last_seen(officer, lesson, 30)
    services.lesson_heartbeat(officer=officer, lesson=lesson)
    assert _progress(officer, lesson).completed_at is not None


def test_video_rule_keeps_the_maximum_and_completes_at_the_percentage(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.VIDEO, RULE.VIDEO, {"completion_percent": 80}))
    lesson = _lesson(course, 1)
    services.enrollment_self_enroll(officer=officer, course=course)
    client = client_for("officer")
    page = client.get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk})).content.decode()
    assert "Hoàn thành khi: xem hết 80% video" in page
    assert reverse("learning:lesson-video-progress", kwargs={"pk": lesson.pk}) in page
    url = reverse("learning:lesson-video-progress", kwargs={"pk": lesson.pk})
    assert client.post(url, {"percent": "60"}).json() == {"completed": False, "seen_seconds": 0,
                                                          "video_percent": 60}
    client.post(url, {"percent": "30"})
    assert _progress(officer, lesson).video_percent == 60
    assert client.post(url, {"percent": "abc"}).status_code == 400
    assert client.post(reverse("learning:lesson-complete", kwargs={"pk": lesson.pk})).status_code == 302
    assert _progress(officer, lesson).completed_at is None
    assert client.post(url, {"percent": "85"}).json()["completed"] is True
    assert _progress(officer, lesson).source == LessonProgress.Source.VIDEO


def test_file_rule_completes_when_the_file_is_served_through_the_site(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.FILE, RULE.FILE, {}), (Lesson.Kind.TEXT, RULE.MANUAL, {}))
    lesson = _lesson(course, 1)
    services.enrollment_self_enroll(officer=officer, course=course)
    client = client_for("officer")
    client.get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk}))
    assert _progress(officer, lesson).completed_at is None
    response = client.get(reverse("learning:lesson-file", kwargs={"pk": lesson.pk}))
    assert response.status_code == 200
    assert _progress(officer, lesson).source == LessonProgress.Source.FILE


def test_trainer_rule_is_not_completed_by_the_learner(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.TRAINER, {}))
    lesson = _lesson(course, 1)
    services.enrollment_self_enroll(officer=officer, course=course)
    page = client_for("officer").get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk})).content.decode()
    assert "Hoàn thành khi: giảng viên xác nhận" in page
    client_for("officer").post(reverse("learning:lesson-complete", kwargs={"pk": lesson.pk}))
    assert _progress(officer, lesson).completed_at is None


def test_manual_rule_keeps_the_learners_tick(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.MANUAL, {}), (Lesson.Kind.TEXT, RULE.MANUAL, {}))
    lesson = _lesson(course, 1)
    services.enrollment_self_enroll(officer=officer, course=course)
    page = client_for("officer").get(reverse("learning:lesson-detail", kwargs={"pk": lesson.pk})).content.decode()
    assert "Hoàn thành khi: đồng chí bấm “Đánh dấu đã học”" in page
    client_for("officer").post(reverse("learning:lesson-complete", kwargs={"pk": lesson.pk}))
    assert _progress(officer, lesson).source == LessonProgress.Source.MANUAL


def test_quiz_source_is_refused_on_a_lesson_that_is_not_a_quiz(world):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.VIEWED, {}))
    services.enrollment_self_enroll(officer=officer, course=course)
    with pytest.raises(services.LearningError):
        services.lesson_progress_complete(officer=officer, lesson=_lesson(course, 1), source="quiz")


def test_lesson_form_checks_the_rule_suits_the_kind(world, client_for):
    course = make_course(code="F1", lessons=1, publish=False)
    module = course.modules.get()
    client = client_for("trainer")
    url = reverse("learning:lesson-create", kwargs={"pk": module.pk})
    response = client.post(url, {"title": "Bài đọc", "kind": "text", "body": "Nội dung", "estimated_minutes": 5,
                                 "completion_rule": "video", "completion_percent": 90})
    assert response.status_code == 200
    assert "Quy tắc “xem video” chỉ dùng cho bài học loại video." in response.content.decode()
    client.post(url, {"title": "Bài đọc", "kind": "text", "body": "Nội dung", "estimated_minutes": 5,
                      "completion_rule": "time", "completion_minutes": 5})
    lesson = course.lessons.get(title="Bài đọc")
    assert (lesson.completion_rule, lesson.completion_minutes) == ("time", 5)
    assert lesson.completion_text == "Hoàn thành khi: xem ít nhất 5 phút"
    form_page = client.get(url).content.decode()
    assert 'value="viewed" selected' in form_page  # a new lesson is completed by viewing unless chosen


def test_existing_lessons_keep_the_learners_tick_after_the_migration(world):
    """The migration's default: lessons made before the rules keep today's behaviour, quiz lessons the quiz."""
    field = Lesson._meta.get_field("completion_rule")
    assert field.default == RULE.MANUAL
    course = make_course(code="OLD", lessons=1, quiz=True)
    kinds = dict(course.lessons.values_list("kind", "completion_rule"))
    assert kinds == {"text": "manual", "quiz": "quiz"}


# --- Lessons locked in order ---------------------------------------------------------------------

def test_locked_lesson_is_refused_by_address_and_names_the_lesson_to_finish(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.MANUAL, {}), (Lesson.Kind.FILE, RULE.FILE, {}),
                          (Lesson.Kind.TEXT, RULE.VIEWED, {}), lock=True)
    first, second, third = (_lesson(course, n) for n in (1, 2, 3))
    services.enrollment_self_enroll(officer=officer, course=course)
    client = client_for("officer")
    outline = client.get(reverse("learning:course-detail", kwargs={"pk": course.pk})).content.decode()
    assert "mở khi hoàn thành “Bài 1”" in outline
    assert reverse("learning:lesson-detail", kwargs={"pk": third.pk}) not in outline
    response = client.get(reverse("learning:lesson-detail", kwargs={"pk": third.pk}))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Bài học này mở khi đồng chí hoàn thành “Bài 1”." in body
    assert reverse("learning:lesson-detail", kwargs={"pk": first.pk}) in body
    assert "Nội dung" not in body.split("</h1>")[1]
    assert not LessonProgress.objects.filter(lesson=third).exists()  # a "viewed" lesson not completed
    assert client.get(reverse("learning:lesson-file", kwargs={"pk": second.pk})).status_code == 403
    with pytest.raises(services.LessonLocked):
        services.lesson_file_downloaded(officer=officer, lesson=second)
    assert not LessonProgress.objects.filter(lesson=second, completed_at__isnull=False).exists()
    client.post(reverse("learning:lesson-complete", kwargs={"pk": first.pk}))
    assert client.get(reverse("learning:lesson-detail", kwargs={"pk": second.pk})).status_code == 200
    assert client.get(reverse("learning:lesson-detail", kwargs={"pk": third.pk})).status_code == 403
    assert client.get(reverse("learning:lesson-file", kwargs={"pk": second.pk})).status_code == 200
    assert client.get(reverse("learning:lesson-detail", kwargs={"pk": third.pk})).status_code == 200
    assert Enrollment.objects.get(officer=officer, course=course).completed_at is not None


def test_unlocked_course_and_trainer_preview_are_not_locked(world, client_for):
    officer = world.officers["officer"]
    course = _course_with((Lesson.Kind.TEXT, RULE.MANUAL, {}), (Lesson.Kind.TEXT, RULE.MANUAL, {}))
    services.enrollment_self_enroll(officer=officer, course=course)
    assert client_for("officer").get(reverse("learning:lesson-detail",
                                             kwargs={"pk": _lesson(course, 2).pk})).status_code == 200
    Course.objects.filter(pk=course.pk).update(lock_order=True)
    assert client_for("trainer").get(reverse("learning:lesson-detail",
                                             kwargs={"pk": _lesson(course, 2).pk})).status_code == 200
