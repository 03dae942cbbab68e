"""Small builders for quiz tests: a category, questions of every type, a quiz with slots."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from quizzes import services
from quizzes.models import Question, QuestionCategory, Quiz

SAMPLE_DATA = {
    "multichoice": {"single": True, "shuffle": True, "answers": [
        {"text": "Ctrl + S", "fraction": "1", "feedback": "FB-RIGHT-SAVE"},
        {"text": "Ctrl + P", "fraction": "0", "feedback": "FB-WRONG-PRINT"},
        {"text": "Ctrl + Z", "fraction": "0", "feedback": ""}]},
    "truefalse": {"correct": True, "feedback_true": "FB-TRUE", "feedback_false": "FB-FALSE"},
    "shortanswer": {"accent_insensitive": True, "answers": [
        {"text": "chữ ký số", "fraction": "1", "feedback": "FB-SHORT"}]},
    "numerical": {"answers": [{"text": "5", "tolerance": "0", "fraction": "1", "feedback": "FB-NUM"}]},
    "matching": {"pairs": [{"left": "IU03", "right": "Xử lý văn bản"}, {"left": "IU04", "right": "Bảng tính"},
                           {"left": "", "right": "Trình chiếu"}]},
    "essay": {},
    "description": {},
}


def category(name: str = "Tin học cơ bản", parent: QuestionCategory | None = None) -> QuestionCategory:
    return QuestionCategory.objects.get_or_create(name=name, parent=parent)[0]


def question(qtype: str = "multichoice", *, cat: QuestionCategory | None = None, title: str = "",
             data: dict | None = None, text: str = "QUESTION-TEXT", tags: list[str] | None = None) -> Question:
    import copy

    return services.question_create(
        category=cat or category(), qtype=qtype, title=title or f"Câu {qtype}", text=f"{text} {qtype}",
        data=copy.deepcopy(data if data is not None else SAMPLE_DATA[qtype]), general_feedback="FB-GENERAL",
        tags=tags or ["IU01"],
    )


def quiz(*, questions: list[Question] | None = None, time_limit: int | None = 30, attempts: int = 1,
         published: bool = True, **fields) -> Quiz:  # noqa: ANN003
    quiz = services.quiz_create(by=None, title=fields.pop("title", "Kiểm tra tin học"), time_limit_minutes=time_limit,
                                attempts_allowed=attempts, is_published=published,
                                open_at=fields.pop("open_at", timezone.now() - timedelta(days=1)), **fields)
    for q in questions if questions is not None else [question()]:
        services.quiz_slot_add(quiz=quiz, question=q, mark=Decimal(1) if q.qtype != "description" else Decimal(0))
    return quiz


def all_types_quiz(**fields) -> Quiz:  # noqa: ANN003
    cat = category()
    return quiz(questions=[question(t, cat=cat) for t in SAMPLE_DATA], **fields)
