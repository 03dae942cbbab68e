"""Demo question bank (Vietnamese, GIFT file in demo_data/), quizzes attached to the demo courses, and
finished attempts by demo officers so that results and item statistics have something to show."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.models import User
from org.models import Officer
from quizzes import services
from quizzes.models import Attempt, Question, QuestionCategory, QuestionType, Quiz
from quizzes.question_types import question_type_for

ROOT = "Ngân hàng câu hỏi THADS"
BANK_FILE = Path(__file__).resolve().parent / "demo_data" / "tin_hoc_co_ban.gift"


@transaction.atomic
def seed(*, rng: random.Random) -> None:
    if QuestionCategory.objects.filter(name=ROOT, parent__isnull=True).exists():
        return
    trainer = User.objects.filter(username="giangvien").first()
    root = services.category_create(name=ROOT)
    services.questions_import(text=BANK_FILE.read_bytes(), file_format="gift", category=root, by=trainer)
    # Short answers in Vietnamese: accept answers typed without accents (a second version of each).
    for question in Question.objects.filter(qtype=QuestionType.SHORTANSWER).select_related("current_version", "category"):
        version = question.current_version
        services.question_update(
            question=question, title=version.title, text=version.text, text_format=version.text_format,
            general_feedback=version.general_feedback, data={**version.data, "accent_insensitive": True},
            default_mark=version.default_mark, category=question.category,
            tags=list(question.tags.values_list("name", flat=True)), by=trainer)
    categories = {c.name: c for c in QuestionCategory.objects.filter(parent=root)}
    now = timezone.now()
    basic = services.quiz_create(
        by=trainer, title="Kiểm tra Tin học cơ bản (IU01–IU06)", is_published=True,
        description="20 phút, 10 câu lấy ngẫu nhiên từ ngân hàng. Được làm 2 lần, lấy lần cao nhất; đạt từ 60%.",
        open_at=now - timedelta(days=20), close_at=now + timedelta(days=40), time_limit_minutes=20,
        attempts_allowed=2, pass_mark=60, shuffle_questions=True)
    for name in ["IU01 Hiểu biết về CNTT cơ bản", "IU02 Sử dụng máy tính cơ bản", "IU03 Xử lý văn bản cơ bản",
                 "IU04 Sử dụng bảng tính cơ bản", "IU06 Sử dụng Internet cơ bản"]:
        services.quiz_slot_add(quiz=basic, random_category=categories[name], count=2)
    thads = categories["Phần mềm THADS"]
    thads_questions = list(Question.objects.filter(category=thads).order_by("pk"))
    final_quizzes = [basic]
    from learning.models import Lesson

    for lesson in Lesson.objects.filter(kind=Lesson.Kind.QUIZ, is_archived=False).select_related("course"):
        quiz = services.quiz_create(
            by=trainer, title=f"Kiểm tra cuối khóa: {lesson.course.title}", is_published=True,
            description="Đạt từ 70% để hoàn thành bài học. Được làm 3 lần.", lesson=lesson,
            open_at=now - timedelta(days=20), time_limit_minutes=15, attempts_allowed=3, pass_mark=70)
        for question in thads_questions:
            if not question_type_for(question.qtype).marked_by_hand:
                services.quiz_slot_add(quiz=quiz, question=question)
        final_quizzes.append(quiz)
    security = services.quiz_create(
        by=trainer, title="An toàn thông tin và chữ ký số", is_published=True, navigation="sequential",
        description="Làm lần lượt từng câu, không quay lại. Có một câu tự luận do giảng viên chấm.",
        open_at=now - timedelta(days=20), close_at=now + timedelta(days=30), time_limit_minutes=15,
        attempts_allowed=1, pass_mark=50, review_when="after_submit", review_marks_when="after_submit",
        review_correct_when="after_close", review_feedback_when="after_close")
    for question in Question.objects.filter(current_version__title__regex=r"^(CKS|EMAIL|ATTT|Giới thiệu)").order_by("pk"):
        services.quiz_slot_add(quiz=security, question=question)
    final_quizzes.append(security)
    _attempts(final_quizzes, rng=rng, trainer=trainer)


def _attempts(quizzes: list[Quiz], *, rng: random.Random, trainer: User | None) -> None:
    officers = list(Officer.objects.filter(unit__code__startswith="KG-", is_active=True)
                    .exclude(user__username__in=["canbo", "canbomoi"]).order_by("pk"))
    sample = rng.sample(officers, k=min(45, len(officers)))
    now = timezone.now()
    from learning.selectors import course_prerequisites_missing

    for quiz in quizzes:
        takers = sample[: 45 if quiz == quizzes[0] else 25]
        if quiz.lesson_id is not None:  # as on the site: only officers allowed into the lesson's course
            course = quiz.lesson.course
            takers = [officer for officer in takers if not course_prerequisites_missing(officer=officer, course=course)]
        for officer in takers:
            skill = rng.uniform(0.3, 0.95)
            started = now - timedelta(days=rng.randint(1, 15), minutes=rng.randint(0, 600))
            attempt = services.attempt_start(quiz=quiz, officer=officer, now=started)
            moment = started
            for answer in attempt.answers.select_related("version").order_by("index"):
                moment += timedelta(seconds=rng.randint(20, 70))
                if quiz.navigation == "sequential":
                    attempt.current_index = answer.index
                    Attempt.objects.filter(pk=attempt.pk).update(current_index=answer.index)
                kind = question_type_for(answer.version.qtype)
                if not kind.gradable or rng.random() < 0.04:
                    continue
                raw = kind.demo_fields(answer.version.data or {}, right=rng.random() < skill, rng=rng)
                services.attempt_answer_save(attempt_id=attempt.pk, user_id=officer.user_id, index=answer.index,
                                             raw=raw, now=moment)
            attempt = services.attempt_submit(attempt=attempt, now=moment + timedelta(seconds=30))
            if attempt.needs_grading and trainer is not None and rng.random() < 0.6:
                for essay in attempt.answers.filter(needs_grading=True):
                    services.answer_grade_manual(answer=essay, mark=Decimal(rng.choice(["0.5", "0.75", "1"])),
                                                 by=trainer, comment="Đã chấm.")
